import type { Rejection } from '../shared/decider.js';
import { isRejection } from '../shared/decider.js';
import { spsaWorkerStep, type SpsaWorkerStep } from '../runs/adapters/spsa.js';
import type { RunEvent } from '../runs/events.js';
import { workerMessages } from '../runs/messages.js';
import type { RunArgs } from '../runs/args.js';
import type { RunState } from '../runs/state.js';
import type { Results } from '../shared/results.js';

/*
 * Worker replies (without `duration`, which the HTTP layer adds) derived from a decision and
 * the state after it. Soft outcomes are 200 replies with `error` or `info` inside; envelope
 * errors (400/401) are marked `envelope` so the HTTP layer can prefix the path.
 */

export type TaskAliveReply = { readonly task_alive: boolean; readonly error?: string; readonly info?: string };
export type EnvelopeError = { readonly envelope: true; readonly status: 400 | 401 | 500; readonly error: string };

const taskIsActive = (state: RunState, taskId: number): boolean =>
  state.kind === 'run' && (state.tasks.get(taskId)?.active ?? false);

/** `/api/update_task`: false once the task stopped or the run finished. */
export const updateTaskReply = (
  decision: readonly RunEvent[] | Rejection,
  stateAfter: RunState,
  taskId: number,
): TaskAliveReply | EnvelopeError => {
  if (isRejection(decision)) {
    if (decision.code === 'task-inactive') return { task_alive: false, info: decision.message };
    // The server's own failure; a missing spsa block is the client's mistake (a 400 below).
    if (decision.code === 'statistics-failure') return { envelope: true, status: 500, error: decision.message };
    return { envelope: true, status: 400, error: decision.message };
  }
  const rejected = decision.find((event) => event.type === 'TaskUpdateRejected');
  if (rejected !== undefined) return { task_alive: false, error: rejected.data.error };
  if (decision.some((event) => event.type === 'RunFinished')) return { task_alive: false };
  return { task_alive: taskIsActive(stateAfter, taskId) };
};

/** `/api/failed_task`: `{}` once failed, or not active any more. */
export const failedTaskReply = (decision: readonly RunEvent[] | Rejection): Record<string, never> | TaskAliveReply | EnvelopeError => {
  if (!isRejection(decision)) return {};
  if (decision.code === 'task-inactive') return { task_alive: false, info: decision.message };
  return { envelope: true, status: 400, error: decision.message };
};

/** `/api/beat`: heartbeats are not events; the reply only says whether the task is alive. */
export const beatReply = (state: RunState, taskId: number): TaskAliveReply => ({ task_alive: taskIsActive(state, taskId) });

/** `/api/request_spsa`: the step just issued, or "not active". */
export const requestSpsaReply = (
  decision: readonly RunEvent[] | Rejection,
  stateBefore: RunState,
): (SpsaWorkerStep & { task_alive: true }) | TaskAliveReply | EnvelopeError => {
  if (isRejection(decision)) {
    if (decision.code === 'task-inactive') return { task_alive: false, info: decision.message };
    const status = decision.code === 'spsa-step-failure' || decision.code === 'randomness-missing' ? 500 : 400;
    return { envelope: true, status, error: decision.message };
  }
  const issued = decision.find((event) => event.type === 'SpsaStepIssued');
  const spsa = stateBefore.kind === 'run' ? stateBefore.args.spsa : undefined;
  if (issued === undefined || spsa === undefined) return { envelope: true, status: 500, error: 'request_spsa_data: no step issued' };
  const step = spsaWorkerStep({ ...spsa, iter: issued.data.iter }, issued.data.flips);
  if (!step.ok) return { envelope: true, status: 500, error: `request_spsa_data: ${step.message}` };
  return { ...step.step, task_alive: true };
};

/** `/api/stop_run`: `{}`, or 401 "too few games" (the task still stopped) / "already finished". */
export const stopRunReply = (
  decision: readonly RunEvent[] | Rejection,
  username: string,
): Record<string, never> | EnvelopeError => {
  if (isRejection(decision)) {
    const status = decision.code === 'run-finished' ? 401 : 400;
    return { envelope: true, status, error: decision.message };
  }
  if (decision.some((event) => event.type === 'RunStopRefused')) {
    return { envelope: true, status: 401, error: workerMessages.stopRunTooFewGames(username) };
  }
  return {};
};

export interface TaskAssignedReply {
  readonly run: {
    readonly _id: string;
    readonly args: RunArgs & { readonly book_sri?: string };
    readonly my_task: { readonly num_games: number; readonly start: number; readonly stats: Results };
  };
  readonly task_id: number;
}

/**
 * `/api/request_task` after an assignment: the run's id and arguments (plus the book's SRI when
 * the book is known) and the new task. Everything else is `{task_waiting: false, …}`.
 */
export const taskAssignedReply = (stateAfter: RunState, taskId: number, bookSri?: string): TaskAssignedReply | undefined => {
  if (stateAfter.kind !== 'run') return undefined;
  const task = stateAfter.tasks.get(taskId);
  if (task === undefined) return undefined;
  return {
    run: {
      _id: stateAfter.runId,
      args: bookSri === undefined ? stateAfter.args : { ...stateAfter.args, book_sri: bookSri },
      my_task: { num_games: task.numGames, start: task.start, stats: task.stats },
    },
    task_id: taskId,
  };
};
