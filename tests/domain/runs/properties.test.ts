import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runDecider } from '../../../src/domain/runs/decider.js';
import type { RunEvent } from '../../../src/domain/runs/events.js';
import { evolveRun } from '../../../src/domain/runs/evolve.js';
import { runInvariantProblems } from '../../../src/domain/runs/invariants.js';
import { fromRunSnapshot, toRunSnapshot, type RunSnapshot } from '../../../src/domain/runs/snapshot.js';
import { initialRunState, type Run, type RunState } from '../../../src/domain/runs/state.js';
import { fold, isRejection } from '../../../src/domain/shared/decider.js';
import { addResults, countGames, resultsEqual, sumResults, ZERO_RESULTS, type Pentanomial, type Results } from '../../../src/domain/shared/results.js';
import { approved, baseArgs, created, machine, RUN_ID, SECOND, sprtArgs, T0 } from './fixtures.js';

/** What the simulated world may do next; turned into a command against the current state. */
type Action =
  | { kind: 'assign'; worker: number; concurrency: number }
  | { kind: 'update'; task: number; pairs: Pentanomial; oddGame: boolean; crashes: number; skewed: boolean }
  | { kind: 'fail'; task: number }
  | { kind: 'scavenge'; advanceSeconds: number }
  | { kind: 'stop' }
  | { kind: 'modify'; numGames: number }
  | { kind: 'purge' };

const pentanomialArb = fc.tuple(fc.nat(10), fc.nat(20), fc.nat(60), fc.nat(20), fc.nat(10)).map((p) => p as Pentanomial);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('assign' as const), worker: fc.nat(12), concurrency: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      task: fc.nat(20),
      pairs: pentanomialArb,
      // Mostly valid reports, sometimes an odd total (a rule breaker) or a lopsided worker.
      oddGame: fc.nat(19).map((n) => n === 0),
      crashes: fc.nat(2),
      skewed: fc.nat(9).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), task: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('scavenge' as const), advanceSeconds: fc.integer({ min: 0, max: 500 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modify' as const), numGames: fc.integer({ min: 0, max: 12 }).map((k) => k * 1000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
);

const argsArb: fc.Arbitrary<RunArgs> = fc.oneof(
  // Small budgets (smaller than the creation form allows) so that runs finish within a sequence.
  fc.record({ numGames: fc.constantFrom(200, 400, 1000), autoPurge: fc.boolean() }).map(({ numGames, autoPurge }) =>
    baseArgs({ num_games: numGames, auto_purge: autoPurge }),
  ),
  fc.record({ tc: fc.constantFrom('10+0.1', '60+0.6'), autoPurge: fc.boolean() }).map(({ tc, autoPurge }) =>
    sprtArgs({ tc, new_tc: tc, num_games: 1200, auto_purge: autoPurge }),
  ),
);

/** Scales a pentanomial so its pair count is a multiple of `pairsPerBatch` (never zero pairs). */
const wholeBatches = (p: Pentanomial, pairsPerBatch: number): Pentanomial => {
  const pairs = p.reduce((a, b) => a + b, 0);
  const wanted = Math.max(pairsPerBatch, Math.ceil(pairs / pairsPerBatch) * pairsPerBatch);
  return [p[0], p[1], p[2] + (wanted - pairs), p[3], p[4]];
};

const resultsOfPairs = (p: Pentanomial, crashes: number): Results => ({
  wins: p[3] + 2 * p[4],
  losses: 2 * p[0] + p[1],
  draws: p[1] + 2 * p[2] + p[3],
  crashes,
  time_losses: 0,
  pentanomial: p,
});

const toCommand = (action: Action, run: Run): RunCommand | undefined => {
  switch (action.kind) {
    case 'assign':
      return { type: 'AssignTask', data: { runId: RUN_ID, workerInfo: machine(action.worker, { concurrency: action.concurrency }) } };
    case 'update': {
      if (run.tasks.length === 0) return undefined;
      // Mostly the active tasks, as real workers; any task now and then (late reports).
      const pool = run.activeTaskIds.length > 0 && action.task % 5 !== 0 ? run.activeTaskIds : [...run.tasks].map((t) => t.taskId);
      const task = run.tasks.get(pool[action.task % pool.length] ?? 0);
      if (task === undefined) return undefined;
      const batchPairs = run.args.sprt?.batch_size ?? 1;
      const pairs = action.skewed ? ([action.pairs.reduce((a, b) => a + b, 0), 0, 0, 0, 0] as Pentanomial) : action.pairs;
      const remainingPairs = Math.max(0, (task.numGames - countGames(task.stats)) / 2);
      const capped = pairs.reduce((a, b) => a + b, 0) > remainingPairs ? wholeBatches([0, 0, remainingPairs, 0, 0], batchPairs) : wholeBatches(pairs, batchPairs);
      let stats = addResults(task.stats, resultsOfPairs(capped, action.crashes));
      if (action.oddGame) stats = { ...stats, wins: stats.wins + 1 };
      return { type: 'UpdateTask', data: { runId: RUN_ID, taskId: task.taskId, workerInfo: task.workerInfo, stats } };
    }
    case 'fail':
      return run.tasks.length === 0 ? undefined : { type: 'FailTask', data: { runId: RUN_ID, taskId: action.task % run.tasks.length, message: 'failed' } };
    case 'scavenge':
      return { type: 'ScavengeDeadTasks', data: { runId: RUN_ID } };
    case 'stop':
      return { type: 'StopRun', data: { runId: RUN_ID, by: 'owner', isApprover: false } };
    case 'modify':
      return { type: 'ModifyRun', data: { runId: RUN_ID, by: 'owner', isApprover: false, numGames: action.numGames, priority: 0, throughput: 100, autoPurge: run.args.auto_purge } };
    case 'purge':
      return { type: 'PurgeRun', data: { runId: RUN_ID, by: 'owner', isApprover: false } };
  }
};

interface Simulation {
  readonly states: RunState[];
  readonly events: RunEvent[];
  readonly decisions: { command: RunCommand; before: Run; after: Run }[];
}

const simulate = (args: RunArgs, actions: readonly Action[]): Simulation => {
  const start = [created(args), approved()];
  let state: RunState = fold(evolveRun, initialRunState(), start);
  const events: RunEvent[] = [...start];
  const states: RunState[] = [state];
  const decisions: Simulation['decisions'] = [];
  let now = T0;
  for (const action of actions) {
    if (action.kind === 'scavenge') now += action.advanceSeconds * SECOND;
    else now += SECOND;
    const before = state as Run;
    const command = toCommand(action, before);
    if (command === undefined) continue;
    const decision = runDecider.decide(command, before, { now });
    if (isRejection(decision)) continue;
    state = fold(evolveRun, state, decision);
    events.push(...decision);
    states.push(state);
    decisions.push({ command, before, after: state as Run });
  }
  return { states, events, decisions };
};

const simulationArb = fc.tuple(argsArb, fc.array(actionArb, { minLength: 5, maxLength: 60, size: 'max' }));

/** Upstream's `valid_aggregated_data`, plus the task-level facts it relies on. */
const checkAggregates = (run: Run): void => {
  const tasks = [...run.tasks];
  expect(resultsEqual(run.results, sumResults(tasks.map((task) => task.stats)))).toBe(true);
  const active = tasks.filter((task) => task.active);
  expect(run.workers).toBe(active.length);
  expect(run.cores).toBe(active.reduce((sum, task) => sum + task.workerInfo.concurrency, 0));
  expect(run.committedGames).toBe(tasks.reduce((sum, task) => sum + (task.active ? task.numGames : countGames(task.stats)), 0));
  expect(run.totalGames).toBe(tasks.reduce((sum, task) => sum + task.numGames, 0));
  expect([...run.activeTaskIds].sort((a, b) => a - b)).toEqual(active.map((task) => task.taskId));
  for (const task of tasks) if (task.bad) expect(task.stats).toEqual(ZERO_RESULTS);
  if (run.finished) expect(run.workers).toBe(0);
  expect(run.isGreen && run.isYellow).toBe(false);
  // The domain's own consistency check (upstream's periodic validation) agrees.
  expect(runInvariantProblems(run)).toEqual([]);
};

const PROPERTY_RUNS = 150;
/** Fixed so that every run of the suite checks the same cases. */
const SEED = 20_261_126;

describe('run aggregate properties', () => {
  it('replaying the recorded events (as stored, through JSON) rebuilds the same state', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        const { states, events } = simulate(args, actions);
        const stored = JSON.parse(JSON.stringify(events)) as RunEvent[];
        const replayed = fold(evolveRun, initialRunState(), stored);
        const live = states[states.length - 1] as Run;
        const again = fold(evolveRun, initialRunState(), stored);
        const snapshot = (state: RunState) => (state.kind === 'run' ? { ...state, tasks: state.tasks.toArray() } : state);
        expect(snapshot(replayed)).toEqual(snapshot(again));
        expect(JSON.parse(JSON.stringify(snapshot(replayed)))).toEqual(JSON.parse(JSON.stringify(snapshot(live))));
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });

  it('resumes from a JSON snapshot taken at any point exactly as from the full stream', () => {
    fc.assert(
      fc.property(simulationArb, fc.nat(), ([args, actions], cut) => {
        const { events } = simulate(args, actions);
        const at = cut % (events.length + 1);
        const head = fold(evolveRun, initialRunState(), events.slice(0, at));
        const restored = fromRunSnapshot(JSON.parse(JSON.stringify(toRunSnapshot(head))) as RunSnapshot);
        const fromSnapshot = fold(evolveRun, restored, events.slice(at));
        const fromStart = fold(evolveRun, initialRunState(), events);
        expect(JSON.parse(JSON.stringify(toRunSnapshot(fromSnapshot)))).toEqual(JSON.parse(JSON.stringify(toRunSnapshot(fromStart))));
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });

  it('keeps run results equal to the sum of its task results, and every other counter consistent', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        for (const state of simulate(args, actions).states) checkAggregates(state as Run);
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });

  it('never hands out more games than num_games (rounded up to an SPRT batch) to the active and played tasks', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        for (const { command, after } of simulate(args, actions).decisions) {
          if (command.type !== 'AssignTask') continue;
          const batch = 2 * (after.args.sprt?.batch_size ?? 1);
          const budget = Math.ceil(after.args.num_games / batch) * batch;
          expect(after.committedGames).toBeLessThanOrEqual(budget);
          // Games beyond the budget are only ever re-issued games that stopped tasks never played.
          const freed = [...after.tasks].filter((task) => !task.active).reduce((sum, task) => sum + task.numGames - countGames(task.stats), 0);
          const purgedPlayed = after.badTasks.reduce((sum, task) => sum + countGames(task.stats), 0);
          expect(after.totalGames).toBeLessThanOrEqual(budget + freed + purgedPlayed);
        }
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });

  it('with workers that only take tasks and report (no purge), total games never exceed num_games (rounded up to an SPRT batch)', () => {
    const workOnly = fc.array(
      actionArb.filter((action) => action.kind === 'assign' || (action.kind === 'update' && !action.oddGame)),
      { minLength: 5, maxLength: 60, size: 'max' },
    );
    fc.assert(
      fc.property(argsArb, workOnly, (args, actions) => {
        // An automatic purge gives the games of purged tasks out again, by design.
        for (const state of simulate({ ...args, auto_purge: false }, actions).states) {
          const run = state as Run;
          const batch = 2 * (run.args.sprt?.batch_size ?? 1);
          expect(run.totalGames).toBeLessThanOrEqual(Math.ceil(run.args.num_games / batch) * batch);
          expect(run.results.wins + run.results.losses + run.results.draws).toBeLessThanOrEqual(run.totalGames);
        }
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });

  it('never lets a task play more than it was given, nor a finished run keep active tasks', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        for (const state of simulate(args, actions).states) {
          const run = state as Run;
          for (const task of run.tasks) {
            if (task.active) expect(countGames(task.stats)).toBeLessThan(task.numGames);
          }
          if (run.finished) expect(run.activeTaskIds).toEqual([]);
        }
      }),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  });
});
