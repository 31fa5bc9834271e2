import fc from 'fast-check';
import type { RunArgs } from '../../../../src/domain/runs/args.js';
import type { RunCommand } from '../../../../src/domain/runs/commands.js';
import type { Run } from '../../../../src/domain/runs/state.js';
import { addResults, countGames, type Pentanomial, type Results } from '../../../../src/domain/shared/results.js';
import { packFlips, spsaFlipsSignature } from '../../../../src/domain/spsa/flips.js';
import { baseArgs, machine, spsaArgs, sprtArgs } from '../../../domain/runs/fixtures.js';
import { runDriver, T0, type RunDriver } from './runScenario.js';

/** What the simulated fleet does next; turned into a command against the run as it is then. */
export type FleetAction =
  | { kind: 'assign'; worker: number; concurrency: number }
  | { kind: 'update'; task: number; pairs: Pentanomial; crashes: number }
  | { kind: 'fail'; task: number }
  | { kind: 'scavenge'; advanceSeconds: number }
  | { kind: 'spsa-step'; task: number }
  | { kind: 'worker-stop'; task: number }
  | { kind: 'log'; task: number }
  | { kind: 'stop' }
  | { kind: 'delete' }
  | { kind: 'modify'; numGames: number }
  | { kind: 'purge' };

const pentanomialArb = fc.tuple(fc.nat(6), fc.nat(10), fc.nat(30), fc.nat(10), fc.nat(6)).map((p) => p as Pentanomial);

export const fleetActionArb: fc.Arbitrary<FleetAction> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('assign' as const), worker: fc.nat(9), concurrency: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('update' as const), task: fc.nat(30), pairs: pentanomialArb, crashes: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), task: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('scavenge' as const), advanceSeconds: fc.integer({ min: 0, max: 600 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('spsa-step' as const), task: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('worker-stop' as const), task: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('log' as const), task: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modify' as const), numGames: fc.integer({ min: 0, max: 6 }).map((k) => k * 1000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
);

export const runArgsArb: fc.Arbitrary<RunArgs> = fc.oneof(
  fc.record({ numGames: fc.constantFrom(200, 600, 2000), autoPurge: fc.boolean() }).map(({ numGames, autoPurge }) =>
    baseArgs({ num_games: numGames, auto_purge: autoPurge }),
  ),
  fc.record({ autoPurge: fc.boolean() }).map(({ autoPurge }) => sprtArgs({ num_games: 1600, auto_purge: autoPurge })),
  fc.constant(spsaArgs({ num_games: 2000 })),
);

const pick = (run: Run, index: number): number | undefined => {
  const pool = run.activeTaskIds.length > 0 && index % 4 !== 0 ? run.activeTaskIds : [...run.tasks].map((task) => task.taskId);
  return pool.length === 0 ? undefined : pool[index % pool.length];
};

const grow = (stats: Results, pairs: Pentanomial, batchPairs: number, room: number, crashes: number): Results => {
  let total = pairs.reduce((a, b) => a + b, 0);
  let p: Pentanomial = pairs;
  const wanted = Math.max(batchPairs, Math.ceil(total / batchPairs) * batchPairs);
  p = [p[0], p[1], p[2] + (wanted - total), p[3], p[4]];
  total = wanted;
  if (total * 2 > room) p = [0, 0, Math.floor(room / 2 / batchPairs) * batchPairs, 0, 0];
  const added: Results = {
    wins: p[3] + 2 * p[4],
    losses: 2 * p[0] + p[1],
    draws: p[1] + 2 * p[2] + p[3],
    crashes,
    time_losses: 0,
    pentanomial: p,
  };
  return addResults(stats, added);
};

const commandFor = (action: FleetAction, run: Run): RunCommand | undefined => {
  const runId = run.runId;
  const taskOf = (index: number) => {
    const taskId = pick(run, index);
    return taskId === undefined ? undefined : run.tasks.get(taskId);
  };
  switch (action.kind) {
    case 'assign':
      return { type: 'AssignTask', data: { runId, workerInfo: machine(action.worker, { concurrency: action.concurrency, username: `user${action.worker % 3}`, nps: 400_000 + action.worker }) } };
    case 'update': {
      const task = taskOf(action.task);
      if (!task) return undefined;
      const room = task.numGames - countGames(task.stats);
      const batch = run.args.sprt?.batch_size ?? 1;
      const stats = grow(task.stats, action.pairs, batch, room, task.stats.crashes + action.crashes);
      const spsa =
        run.args.spsa === undefined
          ? {}
          : { spsa: { wins: stats.wins - task.stats.wins, losses: stats.losses - task.stats.losses, draws: stats.draws - task.stats.draws, num_games: countGames(stats) - countGames(task.stats), sig: task.spsaStep ? spsaFlipsSignature(packFlips(task.spsaStep.flips)) : 0 } };
      return { type: 'UpdateTask', data: { runId, taskId: task.taskId, workerInfo: task.workerInfo, stats, ...spsa } };
    }
    case 'fail': {
      const task = taskOf(action.task);
      return task ? { type: 'FailTask', data: { runId, taskId: task.taskId, message: 'failed' } } : undefined;
    }
    case 'scavenge':
      return { type: 'ScavengeDeadTasks', data: { runId } };
    case 'spsa-step': {
      const task = taskOf(action.task);
      return task ? { type: 'RequestSpsaStep', data: { runId, taskId: task.taskId } } : undefined;
    }
    case 'worker-stop': {
      const task = taskOf(action.task);
      return task
        ? { type: 'StopRunFromWorker', data: { runId, taskId: task.taskId, workerInfo: task.workerInfo, message: 'broken', cpuHours: action.task % 2 === 0 ? 5000 : 10 } }
        : undefined;
    }
    case 'log': {
      const task = taskOf(action.task);
      return task ? { type: 'LogWorkerMessage', data: { runId, taskId: task.taskId, workerInfo: task.workerInfo, message: `log ${action.task}` } } : undefined;
    }
    case 'stop':
      return { type: 'StopRun', data: { runId, by: 'owner', isApprover: false } };
    case 'delete':
      return { type: 'DeleteRun', data: { runId, by: 'owner', isApprover: false } };
    case 'modify':
      return { type: 'ModifyRun', data: { runId, by: 'owner', isApprover: false, numGames: action.numGames, priority: 0, throughput: 100, autoPurge: run.args.auto_purge } };
    case 'purge':
      return { type: 'PurgeRun', data: { runId, by: 'owner', isApprover: false } };
  }
};

export interface SimulatedRun {
  driver: RunDriver;
  /** The run state after each accepted command, with the number of events written by then. */
  checkpoints: { run: Run; events: number }[];
}

/** Drives a run through the deciders, skipping rejected commands; one second passes per action. */
export const simulateRun = (runId: string, args: RunArgs, actions: readonly FleetAction[]): SimulatedRun => {
  const driver = runDriver(runId, args, T0);
  driver.exec({ type: 'ApproveRun', data: { runId, by: 'approver1', isApprover: true } }, T0);
  const checkpoints = [{ run: driver.run, events: driver.events.length }];
  let now = T0;
  for (const action of actions) {
    now += action.kind === 'scavenge' ? action.advanceSeconds * 1000 : 1000;
    const command = commandFor(action, driver.run);
    if (!command) continue;
    if (driver.attempt(command, now)) checkpoints.push({ run: driver.run, events: driver.events.length });
  }
  return { driver, checkpoints };
};

export const simulationArb = fc.tuple(runArgsArb, fc.array(fleetActionArb, { minLength: 5, maxLength: 50, size: 'max' }));
