import type { PersistentList } from '../shared/persistent-list.js';
import type { Results } from '../shared/results.js';
import type { EpochMs } from '../shared/time.js';
import type { WorkerInfo } from '../shared/worker-info.js';
import type { RunArgs } from './args.js';
import type { Flip, Residual, ResidualColor } from './events.js';

/** The SPSA step a task is playing: the iteration it was issued at and the flips sent. */
export interface IssuedSpsaStep {
  readonly iter: number;
  readonly flips: readonly Flip[];
}

export interface TaskState {
  readonly taskId: number;
  readonly numGames: number;
  readonly active: boolean;
  readonly assignedAt: EpochMs;
  /** Last assignment, accepted update or deactivation (heartbeats are tracked outside). */
  readonly lastUpdated: EpochMs;
  /** Offset into the opening book: the run's total games when the task was created. */
  readonly start: number;
  /** Cumulative results of the task; zero once the task was purged as bad. */
  readonly stats: Results;
  readonly workerInfo: WorkerInfo;
  readonly bad: boolean;
  readonly spsaStep?: IssuedSpsaStep;
}

/** A purged task as it was, with the residual that condemned it. */
export interface BadTaskState {
  readonly taskId: number;
  readonly numGames: number;
  readonly start: number;
  readonly lastUpdated: EpochMs;
  readonly stats: Results;
  readonly workerInfo: WorkerInfo;
  readonly residual: Residual;
  readonly residualColor: ResidualColor;
}

export interface NoRun {
  readonly kind: 'none';
}

export interface Run {
  readonly kind: 'run';
  readonly runId: string;
  readonly args: RunArgs;
  readonly startTime: EpochMs;
  readonly lastUpdated: EpochMs;
  readonly tcBase: number;
  readonly rescheduledFrom?: string;
  readonly approved: boolean;
  /** "" when not approved. */
  readonly approver: string;
  readonly finished: boolean;
  readonly deleted: boolean;
  readonly failed: boolean;
  readonly failures: number;
  readonly isGreen: boolean;
  readonly isYellow: boolean;
  /** Number of active tasks. */
  readonly workers: number;
  /** Σ concurrency of active tasks. */
  readonly cores: number;
  /** Games played by inactive tasks plus games assigned to active ones. */
  readonly committedGames: number;
  /** Σ num_games of all tasks ever assigned. */
  readonly totalGames: number;
  /** Σ task stats (purged tasks count zero). */
  readonly results: Results;
  /** Indexed by task id; tasks are never removed. */
  readonly tasks: PersistentList<TaskState>;
  readonly badTasks: readonly BadTaskState[];
  /** Ids of the active tasks, in assignment order. */
  readonly activeTaskIds: readonly number[];
}

export type RunState = NoRun | Run;

export const initialRunState = (): RunState => ({ kind: 'none' });

export type RunStatus = 'pending' | 'paused' | 'active' | 'finished' | 'failed';

/**
 * The UI state, derived from flags as upstream does: pending approval, approved but idle
 * (paused), active (has workers), finished, failed (stopped by a worker). Deleted runs are
 * finished runs with `deleted` set.
 */
export const runStatus = (run: Run): RunStatus => {
  if (run.finished) return run.failed ? 'failed' : 'finished';
  if (run.workers > 0) return 'active';
  return run.approved ? 'paused' : 'pending';
};

export const gamesPlayed = (run: Run): number => run.results.wins + run.results.losses + run.results.draws;

/** Upstream `is_undecided`: fewer games than num_games and no SPRT decision yet. */
export const isUndecided = (run: Pick<Run, 'results' | 'args'>): boolean => {
  const played = run.results.wins + run.results.losses + run.results.draws;
  if (played >= run.args.num_games) return false;
  return !(run.args.sprt !== undefined && run.args.sprt.state !== '');
};

export const activeTasks = (run: Run): TaskState[] =>
  run.activeTaskIds.map((taskId) => run.tasks.get(taskId)).filter((task): task is TaskState => task !== undefined);

/** Games still to hand out: num_games − committed games. */
export const remainingGames = (run: Run): number => run.args.num_games - run.committedGames;
