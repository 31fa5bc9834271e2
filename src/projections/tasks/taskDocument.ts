import type { Residual, ResidualColor, RunEvent } from '../../domain/runs/events.js';
import { ZERO_RESULTS, type Results } from '../../domain/shared/results.js';
import { workerName, type WorkerInfo } from '../../domain/shared/worker-info.js';
import { packFlips } from '../../domain/spsa/flips.js';
import type { Doc } from '../../stores/documents/port.js';

/** Upstream's task (`run.tasks[i]`), in its field names, plus what queries need to find it. */
export interface TaskFields {
  num_games: number;
  active: boolean;
  last_updated: string;
  start: number;
  stats: Results;
  worker_info: WorkerInfo;
  bad?: true;
  /** The SPSA step being played; `packed_flips` as byte values (upstream stores bytes). */
  spsa_params?: { iter: number; packed_flips: number[] };
}

/** A purged task as it was (upstream `run.bad_tasks[n]`). */
export interface BadTaskFields extends Omit<TaskFields, 'bad' | 'spsa_params'> {
  task_id: number;
  bad: true;
  residual: Residual;
  residual_color: ResidualColor;
}

export interface TaskDocument extends Doc, TaskFields {
  _id: string;
  run_id: string;
  task_id: number;
  /** Long worker name, for search. */
  worker_name: string;
  username: string;
  /** Set once the task was purged: its index in upstream's `bad_tasks` and the copy kept there. */
  bad_index?: number;
  bad_task?: BadTaskFields;
}

/** Per run: the tasks still active, and how many tasks were set aside as bad. */
export interface TaskRunDocument extends Doc {
  _id: string;
  active_task_ids: number[];
  bad_count: number;
}

export const emptyTaskRun = (runId: string): TaskRunDocument => ({ _id: runId, active_task_ids: [], bad_count: 0 });

export const assignedTask = (event: Extract<RunEvent, { type: 'TaskAssigned' }>): TaskDocument => {
  const { runId, taskId, numGames, start, workerInfo, at } = event.data;
  return {
    _id: `${runId}-${taskId}`,
    run_id: runId,
    task_id: taskId,
    num_games: numGames,
    active: true,
    last_updated: at,
    start,
    stats: ZERO_RESULTS,
    worker_info: workerInfo,
    worker_name: workerName(workerInfo),
    username: workerInfo.username,
  };
};

/** Upstream `set_inactive_task` as the run aggregate applies it: inactive, stamped, step dropped. */
export const stoppedTask = (task: TaskDocument, at: string): TaskDocument => {
  if (!task.active) return task;
  const { spsa_params: _dropped, ...rest } = task;
  return { ...rest, active: false, last_updated: at };
};

export const reportedTask = (task: TaskDocument, stats: Results, at: string, workerInfo?: WorkerInfo): TaskDocument => ({
  ...task,
  stats,
  last_updated: at,
  ...(workerInfo ? { worker_info: workerInfo, worker_name: workerName(workerInfo), username: workerInfo.username } : {}),
});

export const withSpsaStep = (task: TaskDocument, iter: number, flips: readonly number[]): TaskDocument => ({
  ...task,
  spsa_params: { iter, packed_flips: Array.from(packFlips(flips)) },
});

export const withoutSpsaStep = (task: TaskDocument): TaskDocument => {
  const { spsa_params: _dropped, ...rest } = task;
  return rest;
};

/** Upstream `set_bad_task`: the task stops, a copy with its stats is kept, its own stats become zero. */
export const purgedTask = (
  task: TaskDocument,
  at: string,
  badIndex: number,
  residual: Residual,
  residualColor: ResidualColor,
): TaskDocument => {
  const stopped = stoppedTask(task, at);
  const copy: BadTaskFields = {
    num_games: stopped.num_games,
    active: false,
    last_updated: stopped.last_updated,
    start: stopped.start,
    stats: stopped.stats,
    worker_info: stopped.worker_info,
    task_id: stopped.task_id,
    bad: true,
    residual,
    residual_color: residualColor,
  };
  return { ...stopped, bad: true, stats: ZERO_RESULTS, bad_index: badIndex, bad_task: copy };
};
