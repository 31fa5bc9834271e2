import { runDecider } from '../../../../src/domain/runs/decider.js';
import { evolveRun } from '../../../../src/domain/runs/evolve.js';
import type { RunCommand } from '../../../../src/domain/runs/commands.js';
import type { RunArgs } from '../../../../src/domain/runs/args.js';
import type { RunEvent } from '../../../../src/domain/runs/events.js';
import { initialRunState, type Run, type RunState } from '../../../../src/domain/runs/state.js';
import { fold, isRejection } from '../../../../src/domain/shared/decider.js';
import type { Pentanomial, Results } from '../../../../src/domain/shared/results.js';
import { toIso } from '../../../../src/domain/shared/time.js';
import type { WorkerInfo } from '../../../../src/domain/shared/worker-info.js';
import type { NetworkEvent } from '../../../../src/domain/networks/events.js';
import type { UserEvent } from '../../../../src/domain/users/index.js';
import { baseArgs, created, machine, resultsOf, spsaArgs, sprtArgs } from '../../../domain/runs/fixtures.js';
import type { DomainEvent } from './recordedEvents.js';

export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
export const MINUTE = 60_000;

export const RUN_SPRT = '64f0a1b2c3d4e5f6a7b8c901';
export const RUN_FIXED = '64f0a1b2c3d4e5f6a7b8c902';
export const RUN_SPSA = '64f0a1b2c3d4e5f6a7b8c903';
export const RUN_PENDING = '64f0a1b2c3d4e5f6a7b8c904';
export const NET = 'nn-1111111111aa.nnue';

/** A run driven through the real deciders: every command must be accepted. */
export const runDriver = (runId: string, args: RunArgs, createdAt: number) => {
  let state: RunState = fold(evolveRun, initialRunState(), [created(args, createdAt, runId)]);
  const events: RunEvent[] = [created(args, createdAt, runId)];
  let flip = 0;
  return {
    events,
    get run(): Run {
      if (state.kind !== 'run') throw new Error('no run');
      return state;
    },
    /** Decides and applies; null when the command is rejected (nothing happens then). */
    attempt(command: RunCommand, now: number): readonly RunEvent[] | null {
      // Alternating flips: deterministic "randomness" for SPSA steps.
      const random = (): number => ((flip += 1) % 2 === 0 ? 0.25 : 0.75);
      const decision = runDecider.decide(command, state, { now, random });
      if (isRejection(decision)) return null;
      state = fold(evolveRun, state, decision);
      events.push(...decision);
      return decision;
    },
    exec(command: RunCommand, now: number): readonly RunEvent[] {
      const decision = this.attempt(command, now);
      if (decision === null) {
        const rejection = runDecider.decide(command, state, { now, random: () => 0.5 });
        throw new Error(`${command.type} rejected: ${isRejection(rejection) ? rejection.message : '?'}`);
      }
      return decision;
    },
  };
};

export type RunDriver = ReturnType<typeof runDriver>;

export const alice = (n = 1, overrides: Partial<WorkerInfo> = {}): WorkerInfo => machine(n, { username: 'alice', concurrency: 8, nps: 700_000, ...overrides });
export const bob = (n = 2, overrides: Partial<WorkerInfo> = {}): WorkerInfo => machine(n, { username: 'bob', concurrency: 4, nps: 500_000, ...overrides });

/** Cumulative results of `pairs` game pairs: mostly draws, a few wins and losses. */
export const pairsResults = (pairs: number, extra: Partial<Pick<Results, 'crashes' | 'time_losses'>> = {}): Results => {
  const wins = Math.floor(pairs / 8);
  const losses = Math.floor(pairs / 16);
  const pentanomial: Pentanomial = [losses, 0, pairs - wins - losses, 0, wins];
  return resultsOf(pentanomial, extra);
};

const assign = (driver: RunDriver, info: WorkerInfo, now: number): number => {
  const [event] = driver.exec({ type: 'AssignTask', data: { runId: driver.run.runId, workerInfo: info } }, now);
  if (event?.type !== 'TaskAssigned') throw new Error(`no task assigned: ${event?.type}`);
  return event.data.taskId;
};

const update = (driver: RunDriver, taskId: number, stats: Results, now: number): readonly RunEvent[] => {
  const task = driver.run.tasks.get(taskId);
  if (!task) throw new Error(`no task ${taskId}`);
  return driver.exec({ type: 'UpdateTask', data: { runId: driver.run.runId, taskId, workerInfo: task.workerInfo, stats } }, now);
};

export interface Scenario {
  /** Every event in log order. */
  events: DomainEvent[];
  drivers: Record<'sprt' | 'fixed' | 'spsa' | 'pending', RunDriver>;
}

const userEvent = (event: UserEvent): DomainEvent => event;
const networkEvent = (event: NetworkEvent): DomainEvent => event;

/**
 * A small fleet's morning: users and a network, an SPRT run stopped by its owner and purged, a
 * fixed-games run that finishes on its own, an SPSA run whose worker dies before the run is
 * deleted, and a run still pending approval.
 */
export const buildScenario = (): Scenario => {
  const at = (minutes: number): string => toIso(T0 + minutes * MINUTE);
  const events: DomainEvent[] = [
    userEvent({ type: 'UserRegistered', data: { username: 'alice', email: 'alice@example.org', passwordHash: 'x', at: at(-60) } }),
    userEvent({ type: 'UserRegistered', data: { username: 'bob', email: 'bob@example.org', passwordHash: 'x', at: at(-59) } }),
    userEvent({ type: 'UserRegistered', data: { username: 'owner', email: 'owner@example.org', passwordHash: 'x', at: at(-58) } }),
    userEvent({ type: 'UserAccepted', data: { username: 'alice', by: 'approver1', at: at(-50) } }),
    networkEvent({ type: 'NetworkUploaded', data: { name: NET, uploader: 'owner', sha256: `1111111111aa${'0'.repeat(52)}`, size: 1234, at: at(-40) } }),
    networkEvent({ type: 'NetworkUploaded', data: { name: 'nn-2222222222bb.nnue', uploader: 'bob', sha256: `2222222222bb${'0'.repeat(52)}`, size: 99, at: at(-39) } }),
  ];
  const minute = (m: number): number => T0 + m * MINUTE;

  const sprt = runDriver(RUN_SPRT, sprtArgs({ new_tag: 'sprt-branch', info: 'A faster search', auto_purge: false }), minute(0));
  const fixed = runDriver(RUN_FIXED, baseArgs({ new_tag: 'fixed-games', num_games: 64, username: 'bob', tc: '60+0.6', new_tc: '60+0.6' }), minute(1));
  const spsa = runDriver(RUN_SPSA, spsaArgs({ new_tag: 'tune', username: 'alice' }), minute(2));
  const pending = runDriver(RUN_PENDING, baseArgs({ new_tag: 'waiting', info: 'Not approved yet' }), minute(3));

  // Approvals.
  sprt.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, minute(4));
  fixed.exec({ type: 'ApproveRun', data: { runId: RUN_FIXED, by: 'approver1', isApprover: true } }, minute(4));
  spsa.exec({ type: 'ApproveRun', data: { runId: RUN_SPSA, by: 'approver1', isApprover: true } }, minute(4));

  // SPRT run: three workers, one fails after crashing, a log line, then its owner stops it.
  const s0 = assign(sprt, alice(1), minute(5));
  const s1 = assign(sprt, bob(2), minute(5));
  update(sprt, s0, pairsResults(64), minute(10));
  update(sprt, s1, pairsResults(16, { crashes: 5 }), minute(11));
  sprt.exec({ type: 'FailTask', data: { runId: RUN_SPRT, taskId: s1, message: 'Engine crashed' } }, minute(12));
  const s2 = assign(sprt, bob(3), minute(13));
  update(sprt, s2, pairsResults(32), minute(14));
  sprt.exec({ type: 'LogWorkerMessage', data: { runId: RUN_SPRT, taskId: s0, workerInfo: alice(1), message: 'hello from alice' } }, minute(15));
  sprt.exec({ type: 'ModifyRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: false, numGames: 400_000, priority: 0, throughput: 100, autoPurge: false } }, minute(16));
  sprt.exec({ type: 'StopRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: false } }, minute(20));
  sprt.exec({ type: 'PurgeRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: false } }, minute(21));
  // The purge revived it (undecided again): a new worker joins, then declares the run broken.
  const s3 = assign(sprt, alice(7), minute(22));
  update(sprt, s3, pairsResults(16), minute(23));
  sprt.exec(
    { type: 'StopRunFromWorker', data: { runId: RUN_SPRT, taskId: s3, workerInfo: alice(7), message: 'bench mismatch', cpuHours: 5000 } },
    minute(24),
  );

  // Fixed games: one worker plays all 64 games; the run finishes on its own.
  const f0 = assign(fixed, alice(4), minute(6));
  update(fixed, f0, pairsResults(16), minute(8));
  update(fixed, f0, pairsResults(32), minute(9));

  // SPSA: a step, its worker goes silent and is scavenged; the owner deletes the run.
  const p0 = assign(spsa, bob(5), minute(7));
  spsa.exec({ type: 'RequestSpsaStep', data: { runId: RUN_SPSA, taskId: p0 } }, minute(7));
  spsa.exec({ type: 'ScavengeDeadTasks', data: { runId: RUN_SPSA } }, minute(30));
  const p1 = assign(spsa, alice(6), minute(31));
  spsa.exec({ type: 'RequestSpsaStep', data: { runId: RUN_SPSA, taskId: p1 } }, minute(31));
  spsa.exec({ type: 'DeleteRun', data: { runId: RUN_SPSA, by: 'alice', isApprover: false } }, minute(32));

  // Interleave the runs' events by time, as they would reach the log.
  const runEvents = [sprt, fixed, spsa, pending]
    .flatMap((driver, runIndex) => driver.events.map((event, index) => ({ event, runIndex, index })))
    .sort((a, b) => Date.parse(a.event.data.at) - Date.parse(b.event.data.at) || a.runIndex - b.runIndex || a.index - b.index)
    .map(({ event }) => event);
  events.push(...runEvents);
  events.push(networkEvent({ type: 'NetworkPromoted', data: { name: NET, by: 'approver1', at: at(40) } }));
  events.push(userEvent({ type: 'UserBlocked', data: { username: 'bob', by: 'approver1', at: at(41) } }));
  return { events, drivers: { sprt, fixed, spsa, pending } };
};
