import { reject, type Rejection } from '../shared/decider.js';
import type { WorkerInfo } from '../shared/worker-info.js';
import type { RunRejectionCode } from '../runs/commands.js';
import { workerMessages } from '../runs/messages.js';
import type { Run, RunState, TaskState } from '../runs/state.js';

export type WorkerIdentity = Pick<WorkerInfo, 'unique_key' | 'username'>;

/**
 * Upstream's `validate_request` for requests naming a task: the run exists, the task id is in
 * range, and the worker is the one the task was given to (same unique_key and username).
 */
export const findOwnedTask = (
  state: RunState,
  runId: string,
  taskId: number,
  worker?: WorkerIdentity,
): { run: Run; task: TaskState } | Rejection<RunRejectionCode> => {
  if (state.kind === 'none') return reject('run-not-found', workerMessages.invalidRunId(runId));
  const task = state.tasks.get(taskId);
  if (task === undefined) return reject('invalid-task', workerMessages.invalidTaskId(runId, taskId));
  if (worker !== undefined) {
    for (const key of ['unique_key', 'username'] as const) {
      if (worker[key] !== task.workerInfo[key]) {
        return reject('not-task-owner', workerMessages.invalidTaskOwner(key, runId, taskId, task.workerInfo[key], worker[key]));
      }
    }
  }
  return { run: state, task };
};
