import type { RunArgs } from '../../domain/runs/args.js';
import type { WorkerInfo } from '../../domain/shared/worker-info.js';
import type { RunDocument } from '../../projections/runs/runDocument.js';
import type { BadTaskFields, TaskDocument } from '../../projections/tasks/taskDocument.js';
import type { ActionDocument } from '../../projections/actions/actionDocument.js';

/*
 * The JSON shapes of upstream's read API, built from the read documents.
 */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * Python's `str()` of an aware UTC datetime, as upstream's API prints times:
 * `2026-11-01 12:00:00.123000+00:00`, without the fraction when it is zero.
 */
export const pythonDatetime = (iso: string): string => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return `${day} ${time}${ms === 0 ? '' : `.${pad(ms * 1000, 6)}`}+00:00`;
};

/** `args` with the SPSA history emptied (`empty`) or left out (`omit`), as upstream's two API paths do. */
const argsWithoutHistory = (args: RunArgs, history: 'empty' | 'omit'): RunArgs => {
  if (args.spsa === undefined || args.spsa.param_history === undefined) return args;
  const { param_history: _history, ...spsa } = args.spsa;
  return { ...args, spsa: history === 'empty' ? { ...spsa, param_history: [] } : spsa };
};

export type RunView = Record<string, unknown> & { _id: string };

const runFields = (run: RunDocument, history: 'empty' | 'omit'): RunView => ({
  _id: run._id,
  args: argsWithoutHistory(run.args, history),
  start_time: pythonDatetime(run.start_time),
  last_updated: pythonDatetime(run.last_updated),
  tc_base: run.tc_base,
  ...(run.rescheduled_from !== undefined ? { rescheduled_from: run.rescheduled_from } : {}),
  approved: run.approved,
  approver: run.approver,
  finished: run.finished,
  deleted: run.deleted,
  failed: run.failed,
  failures: run.failures,
  is_green: run.is_green,
  is_yellow: run.is_yellow,
  workers: run.workers,
  cores: run.cores,
  committed_games: run.committed_games,
  total_games: run.total_games,
  results: run.results,
  nps: run.nps,
  games_per_minute: run.games_per_minute,
});

/** Upstream `strip_run` (`/api/get_run`, `/api/get_elo`): tasks and SPSA history as empty lists. */
export const strippedRun = (run: RunDocument): RunView => ({ ...runFields(run, 'empty'), tasks: [], bad_tasks: [] });

/** The run lists (`/api/active_runs`, `/api/finished_runs`): tasks, bad tasks and SPSA history left out. */
export const listedRun = (run: RunDocument): RunView => runFields(run, 'omit');

/** Upstream hides a worker's key (it proves task ownership) and its address. */
export const publicWorker = (info: WorkerInfo): Record<string, unknown> => ({
  ...info,
  unique_key: `${info.unique_key.slice(0, 8)}...`,
  remote_addr: '?.?.?.?',
});

type ShownTask = Pick<TaskDocument, 'num_games' | 'active' | 'last_updated' | 'start' | 'stats' | 'worker_info'>;

/** What every task shows, good or bad, in upstream's key order. */
const shownTaskFields = (task: ShownTask): Record<string, unknown> => ({
  num_games: task.num_games,
  active: task.active,
  last_updated: pythonDatetime(task.last_updated),
  start: task.start,
  stats: task.stats,
  worker_info: publicWorker(task.worker_info),
});

/** `run.tasks[n]` as `/api/get_task` shows it. */
export const taskView = (task: TaskDocument): Record<string, unknown> => ({
  ...shownTaskFields(task),
  ...(task.bad ? { bad: true } : {}),
  ...(task.spsa_params ? { spsa_params: task.spsa_params } : {}),
});

/** `run.bad_tasks[n]` as `/api/get_task/<id>/<n>bad` shows it (an infinite residual is "inf"). */
export const badTaskView = (task: BadTaskFields): Record<string, unknown> => ({
  ...shownTaskFields(task),
  task_id: task.task_id,
  bad: true,
  residual: task.residual,
  residual_color: task.residual_color,
});

/** An audit entry as `/api/actions` lists it. */
export const actionView = (action: ActionDocument): Record<string, unknown> => {
  const { _position: _bookkeeping, ...fields } = action;
  return fields;
};
