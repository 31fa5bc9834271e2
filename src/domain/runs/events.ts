import type { Results } from '../shared/results.js';
import type { WorkerInfo } from '../shared/worker-info.js';
import type { SpsaFlip } from '../spsa/index.js';
import type { RunArgs, SpsaHistorySample, SprtState } from './args.js';

/**
 * The events of a run stream (`run-<id>`). Every event names its run and carries the domain
 * time (`at`, ISO-8601) at which it was decided; actor, correlation and client IP travel in the
 * store's metadata. Anything computed by statistics (SPRT state, flags, purge residuals, SPSA
 * steps) is decided once and recorded, so replays never recompute it.
 */
interface RunEventShape<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data & { runId: string; at: string }>;
}

export interface ResultFlags {
  readonly isGreen: boolean;
  readonly isYellow: boolean;
}

/** +1 or −1 for each SPSA parameter: the direction the white engine is pushed. */
export type Flip = SpsaFlip;

/** A worker's residual in the chi² test; `'inf'` when the worker had none (as upstream's API prints it). */
export type Residual = number | 'inf';
export type ResidualColor = 'green' | 'yellow' | 'red';

export interface PurgedTask {
  readonly taskId: number;
  readonly residual: Residual;
  readonly residualColor: ResidualColor;
}

export type RunCreated = RunEventShape<
  'RunCreated',
  { args: RunArgs; tcBase: number; rescheduledFrom?: string }
>;
export type RunApproved = RunEventShape<'RunApproved', { approver: string }>;
/** A non-approver raised throughput or priority above the normal limits, or modified a failed run. */
export type RunUnapproved = RunEventShape<'RunUnapproved', { by: string }>;

export interface Change<T> {
  readonly from: T;
  readonly to: T;
}
export interface RunChanges {
  readonly num_games?: Change<number>;
  readonly priority?: Change<number>;
  readonly throughput?: Change<number>;
  readonly auto_purge?: Change<boolean>;
  readonly info?: Change<string>;
}
/** `message` is upstream's audit text: "modify: priority changed from 0 to 1, …". */
export type RunModified = RunEventShape<'RunModified', { by: string; changes: RunChanges; message: string }>;
/** A finished run became unfinished again: a modify or a purge left it undecided. */
export type RunRevived = RunEventShape<'RunRevived', { cause: 'modify' | 'purge' }>;

export type TaskAssigned = RunEventShape<
  'TaskAssigned',
  { taskId: number; numGames: number; start: number; workerInfo: WorkerInfo }
>;
/**
 * An accepted update: `stats` are the task's cumulative results, `delta` what they add to the
 * run. `workerInfo` is present when the worker's info changed (nps, ARCH after its first
 * bench); `sprt` is the run's SPRT state after the update (SPRT runs only).
 */
export type TaskResultsReported = RunEventShape<
  'TaskResultsReported',
  { taskId: number; stats: Results; delta: Results; workerInfo?: WorkerInfo; sprt?: SprtState }
>;
/** An update broke a rule (shrinking, odd or off-batch totals); the task stops. */
export type TaskUpdateRejected = RunEventShape<'TaskUpdateRejected', { taskId: number; error: string }>;
/** `crashOrTime` is upstream's "Time losses:…" audit text when the task crashed or lost on time too often. */
export type TaskCompleted = RunEventShape<'TaskCompleted', { taskId: number; crashOrTime?: string }>;
export type TaskFailed = RunEventShape<'TaskFailed', { taskId: number; message: string; crashOrTime?: string }>;
export type TaskDead = RunEventShape<'TaskDead', { taskId: number; crashOrTime?: string }>;

export type SpsaStepIssued = RunEventShape<'SpsaStepIssued', { taskId: number; iter: number; flips: readonly Flip[] }>;
/** The run's SPSA state after applying one batch: new iteration, new θ per parameter, maybe a history sample. */
export type SpsaResultsApplied = RunEventShape<
  'SpsaResultsApplied',
  { taskId: number; iter: number; thetas: readonly number[]; historySample?: SpsaHistorySample }
>;
/** The batch's signature did not match the issued step (or its step could not be recomputed): the step is consumed, θ unchanged. */
export type SpsaResultsDiscarded = RunEventShape<
  'SpsaResultsDiscarded',
  { taskId: number; reason: 'signature-mismatch' | 'step-failed'; detail?: string }
>;

export interface WorkerStopContext {
  readonly taskId: number;
  readonly workerName: string;
}
/** A user (owner or approver) or a worker (with ≥ 1000 CPU hours; the run is then failed) stopped the run. */
export type RunStopped = RunEventShape<
  'RunStopped',
  { cause: 'user' | 'worker'; by: string; message: string; worker?: WorkerStopContext; failed: boolean; flags: ResultFlags }
>;
/** A worker without enough CPU hours asked to stop the run: only its task stops. */
export type RunStopRefused = RunEventShape<
  'RunStopRefused',
  { by: string; taskId: number; workerName: string; message: string }
>;
/**
 * The run reached its decision (SPRT accepted/rejected) or its number of games. `message` is
 * upstream's finished_run audit text, present only when the run stays finished (an auto-purge
 * that follows may revive it).
 */
export type RunFinished = RunEventShape<
  'RunFinished',
  { reason: 'sprt-accepted' | 'sprt-rejected' | 'games-reached'; flags: ResultFlags; message?: string }
>;
/** Bad tasks were set aside; `results` and `sprt` are the run's recomputed values. */
export type RunPurged = RunEventShape<
  'RunPurged',
  { by: string; mode: 'auto' | 'manual'; badTasks: readonly PurgedTask[]; results: Results; sprt?: SprtState; flags: ResultFlags }
>;
export type RunPurgeRefused = RunEventShape<'RunPurgeRefused', { by: string; mode: 'auto' | 'manual'; reason: string }>;
export type RunDeleted = RunEventShape<'RunDeleted', { by: string; flags: ResultFlags }>;

export type WorkerLogged = RunEventShape<
  'WorkerLogged',
  { taskId: number; username: string; workerName: string; message: string }
>;
/** Metadata of a task's PGN; the bytes live in the blob store under `blobId`. */
export type PgnUploaded = RunEventShape<'PgnUploaded', { taskId: number; size: number; blobId: string }>;

export type RunEvent =
  | RunCreated
  | RunApproved
  | RunUnapproved
  | RunModified
  | RunRevived
  | TaskAssigned
  | TaskResultsReported
  | TaskUpdateRejected
  | TaskCompleted
  | TaskFailed
  | TaskDead
  | SpsaStepIssued
  | SpsaResultsApplied
  | SpsaResultsDiscarded
  | RunStopped
  | RunStopRefused
  | RunFinished
  | RunPurged
  | RunPurgeRefused
  | RunDeleted
  | WorkerLogged
  | PgnUploaded;

export type RunEventType = RunEvent['type'];

export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'RunCreated',
  'RunApproved',
  'RunUnapproved',
  'RunModified',
  'RunRevived',
  'TaskAssigned',
  'TaskResultsReported',
  'TaskUpdateRejected',
  'TaskCompleted',
  'TaskFailed',
  'TaskDead',
  'SpsaStepIssued',
  'SpsaResultsApplied',
  'SpsaResultsDiscarded',
  'RunStopped',
  'RunStopRefused',
  'RunFinished',
  'RunPurged',
  'RunPurgeRefused',
  'RunDeleted',
  'WorkerLogged',
  'PgnUploaded',
];

export const runStreamName = (runId: string): string => `run-${runId}`;

type EventOf<Type extends RunEventType> = Extract<RunEvent, { type: Type }>;

/** Builds a run event with its type checked against its data. */
export const runEvent = <Type extends RunEventType>(type: Type, data: EventOf<Type>['data']): EventOf<Type> =>
  ({ type, data }) as EventOf<Type>;
