import type { NetworkEvent } from '../../domain/networks/events.js';
import type { RunEvent } from '../../domain/runs/events.js';
import { newRunMessage } from '../../domain/runs/run-messages.js';
import type { UserEvent } from '../../domain/users/index.js';
import { SYSTEM_USERNAME, type SystemEvent } from '../../domain/system/events.js';
import type { Doc } from '../../stores/documents/port.js';
import { runDisplayName, truncateMessage, type ActionFields } from './actionDocument.js';

/** Who works on a task, as the audit log names them. */
export interface TaskWorker {
  worker: string;
  username: string;
}

/**
 * Per run, what its audit entries repeat: the branch (for the display name) and the owner, with the
 * run's count of run-wide stops (see `generationAfter`).
 */
export interface ActionRunDocument extends Doc {
  _id: string;
  new_tag: string;
  username: string;
  generation: number;
}

/**
 * Per active task (`<runId>-<taskId>`), its worker: failed, dead and crash_or_time entries name it
 * and the events do not. One small document per task, so an assignment does not rewrite a list of
 * every active task of the run.
 */
export interface ActionTaskDocument extends Doc, TaskWorker {
  _id: string;
  /** The run's generation when the task was assigned; an older one means a run-wide stop ended it. */
  generation: number;
}

/** Stands in for a task's worker the log never saw assigned (not expected from the run domain). */
const UNKNOWN_WORKER: TaskWorker = { worker: '?', username: '?' };

const purgeMode = (mode: 'auto' | 'manual'): string => (mode === 'auto' ? 'Auto purge' : 'Manual purge');

/**
 * The audit entries of a run event (upstream's action names and fields, §e.2), given the worker of
 * the task it names, when it names one. How many entries an event gives depends on the event alone,
 * never on the documents, so their ids are known beforehand.
 */
export const runEventActions = (
  event: RunEvent,
  run: Pick<ActionRunDocument, 'new_tag' | 'username'> | null,
  taskWorker: TaskWorker | null = null,
): ActionFields[] => {
  const runId = event.data.runId;
  const newTag = event.type === 'RunCreated' ? event.data.args.new_tag : (run?.new_tag ?? '');
  const target = { run_id: runId, run: runDisplayName(newTag, runId) };
  const onTask = (taskId: number): Pick<ActionFields, 'username' | 'worker' | 'task_id' | 'run_id' | 'run'> => {
    const { worker, username } = taskWorker ?? UNKNOWN_WORKER;
    return { username, worker, ...target, task_id: taskId };
  };
  const crashOrTime = (taskId: number, message: string | undefined): ActionFields[] =>
    message === undefined ? [] : [{ action: 'crash_or_time', ...onTask(taskId), message: truncateMessage(message) }];

  switch (event.type) {
    case 'RunCreated':
      return [
        {
          action: 'new_run',
          username: event.data.args.username,
          ...target,
          message: truncateMessage(newRunMessage(event.data.args, event.data.tcBase)),
        },
      ];
    case 'RunApproved':
      return [{ action: 'approve_run', username: event.data.approver, ...target, message: 'approved' }];
    case 'RunUnapproved':
      return [{ action: 'approve_run', username: event.data.by, ...target, message: 'unapproved' }];
    case 'RunModified':
      return [{ action: 'modify_run', username: event.data.by, ...target, message: truncateMessage(event.data.message) }];
    case 'TaskCompleted':
      return crashOrTime(event.data.taskId, event.data.crashOrTime);
    case 'TaskFailed':
      return [
        ...crashOrTime(event.data.taskId, event.data.crashOrTime),
        { action: 'failed_task', ...onTask(event.data.taskId), message: truncateMessage(event.data.message) },
      ];
    case 'TaskDead':
      return [...crashOrTime(event.data.taskId, event.data.crashOrTime), { action: 'dead_task', ...onTask(event.data.taskId) }];
    case 'RunStopped': {
      const worker = event.data.worker;
      return [
        {
          action: 'stop_run',
          username: event.data.by,
          ...target,
          ...(worker ? { worker: worker.workerName, task_id: worker.taskId } : {}),
          message: truncateMessage(event.data.message),
        },
      ];
    }
    case 'RunStopRefused':
      return [
        {
          action: 'stop_run',
          username: event.data.by,
          ...target,
          worker: event.data.workerName,
          task_id: event.data.taskId,
          message: truncateMessage(event.data.message),
        },
      ];
    case 'RunFinished':
      return event.data.message === undefined
        ? []
        : [{ action: 'finished_run', username: run?.username ?? '?', ...target, message: truncateMessage(event.data.message) }];
    case 'RunPurged':
      return [{ action: 'purge_run', username: event.data.by, ...target, message: purgeMode(event.data.mode) }];
    case 'RunPurgeRefused':
      return [
        {
          action: 'purge_run',
          username: event.data.by,
          ...target,
          message: truncateMessage(`${purgeMode(event.data.mode)} (not performed): ${event.data.reason}`),
        },
      ];
    case 'RunDeleted':
      return [{ action: 'delete_run', username: event.data.by, ...target }];
    case 'WorkerLogged':
      return [
        {
          action: 'worker_log',
          username: event.data.username,
          worker: event.data.workerName,
          ...target,
          task_id: event.data.taskId,
          message: truncateMessage(event.data.message),
        },
      ];
    default:
      return [];
  }
};

export const networkEventActions = (event: NetworkEvent): ActionFields[] =>
  event.type === 'NetworkUploaded' ? [{ action: 'upload_nn', username: event.data.uploader, nn: event.data.name }] : [];

export const userEventActions = (event: UserEvent): ActionFields[] => {
  switch (event.type) {
    case 'UserAccepted':
      return [{ action: 'accept_user', username: event.data.by, user: event.data.username, message: 'accepted' }];
    case 'UserBlocked':
      return [{ action: 'block_user', username: event.data.by, user: event.data.username, message: 'blocked' }];
    case 'UserUnblocked':
      return [{ action: 'block_user', username: event.data.by, user: event.data.username, message: 'unblocked' }];
    default:
      return [];
  }
};

/** Upstream's `system_event` entries for an instance starting or stopping, and `log_message` for diagnostics. */
export const systemEventActions = (event: SystemEvent): ActionFields[] => {
  switch (event.type) {
    case 'ServerStarted':
      return [{ action: 'system_event', username: SYSTEM_USERNAME, message: `start fishtest@${event.data.instance}` }];
    case 'ServerStopped':
      return [{ action: 'system_event', username: SYSTEM_USERNAME, message: `stop fishtest@${event.data.instance}` }];
    case 'DiagnosticLogged':
      return [{ action: 'log_message', username: SYSTEM_USERNAME, message: truncateMessage(event.data.message) }];
    default:
      return [];
  }
};
