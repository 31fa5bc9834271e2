import type { Results } from '../shared/results.js';
import type { EpochMs } from '../shared/time.js';
import type { WorkerInfo } from '../shared/worker-info.js';
import type { RunSubmission, SubmissionFacts } from './create/submission.js';

interface RunCommandShape<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data & { runId: string }>;
}

/** Who acts on the run from the UI, and whether they belong to the approvers group. */
interface Caller {
  readonly by: string;
  readonly isApprover: boolean;
}

export type CreateRun = RunCommandShape<'CreateRun', { submission: RunSubmission; facts: SubmissionFacts }>;
export type ApproveRun = RunCommandShape<'ApproveRun', Caller>;
/** The modify form's values, raw (`numGames` undefined when the field is missing). */
export type ModifyRun = RunCommandShape<
  'ModifyRun',
  Caller & {
    numGames?: string | number;
    priority: string | number;
    throughput: string | number;
    autoPurge: boolean;
    info?: string;
  }
>;
export type StopRun = RunCommandShape<'StopRun', Caller>;
export type DeleteRun = RunCommandShape<'DeleteRun', Caller>;
export type PurgeRun = RunCommandShape<'PurgeRun', Caller>;

/** Give a task of this run to the worker (the scheduler chose the run). */
export type AssignTask = RunCommandShape<'AssignTask', { workerInfo: WorkerInfo }>;

/** The `spsa` block of an update: this batch only (W+L+D = num_games). */
export interface SpsaBatchReport {
  readonly wins: number;
  readonly losses: number;
  readonly draws: number;
  readonly num_games: number;
  readonly sig: number;
}
export type UpdateTask = RunCommandShape<
  'UpdateTask',
  { taskId: number; workerInfo: WorkerInfo; stats: Results; spsa?: SpsaBatchReport }
>;
/** Who sends a task request, checked against the task's worker (absent for server-side requests). */
export interface RequestingWorker {
  readonly unique_key: string;
  readonly username: string;
}

/** The worker gave up on its task (or the scheduler found it stale: "Stale active task"). */
export type FailTask = RunCommandShape<'FailTask', { taskId: number; message: string; requestedBy?: RequestingWorker }>;
/**
 * Deactivate tasks silent for more than 360 s. Heartbeats live in memory, so the caller passes
 * the last beat it saw per task; the state's own lastUpdated counts too.
 */
export type ScavengeDeadTasks = RunCommandShape<'ScavengeDeadTasks', { lastBeatAt?: ReadonlyMap<number, EpochMs> }>;
export type RequestSpsaStep = RunCommandShape<'RequestSpsaStep', { taskId: number; requestedBy?: RequestingWorker }>;
/** The worker's `/api/stop_run`; `cpuHours` is the user's total (−1 when unknown). */
export type StopRunFromWorker = RunCommandShape<
  'StopRunFromWorker',
  { taskId: number; workerInfo: WorkerInfo; message: string; cpuHours: number }
>;
export type LogWorkerMessage = RunCommandShape<'LogWorkerMessage', { taskId: number; workerInfo: WorkerInfo; message: string }>;
export type RecordPgnUpload = RunCommandShape<
  'RecordPgnUpload',
  { taskId: number; size: number; blobId: string; requestedBy?: RequestingWorker }
>;

export type RunCommand =
  | CreateRun
  | ApproveRun
  | ModifyRun
  | StopRun
  | DeleteRun
  | PurgeRun
  | AssignTask
  | UpdateTask
  | FailTask
  | ScavengeDeadTasks
  | RequestSpsaStep
  | StopRunFromWorker
  | LogWorkerMessage
  | RecordPgnUpload;

export type RunRejectionCode =
  | 'run-exists'
  | 'run-not-found'
  | 'invalid-submission'
  | 'not-approver'
  | 'self-approval'
  | 'already-approved'
  | 'run-too-old'
  | 'invalid-modification'
  | 'not-allowed'
  | 'invalid-task'
  | 'not-task-owner'
  | 'task-inactive'
  | 'run-finished'
  | 'run-not-needing-games'
  | 'not-spsa'
  | 'spsa-results-missing'
  | 'statistics-failure'
  | 'randomness-missing'
  | 'spsa-step-failure'
  | 'arch-matcher-missing';
