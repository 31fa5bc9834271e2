import { reject, type Decision } from '../shared/decider.js';
import { toIso } from '../shared/time.js';
import type { AssignTask, RunRejectionCode } from '../runs/commands.js';
import type { RunContext } from '../runs/context.js';
import { runEvent, type RunEvent } from '../runs/events.js';
import { workerMessages } from '../runs/messages.js';
import { remainingGames, type RunState } from '../runs/state.js';
import { taskSize } from './sizing.js';

/**
 * Creates the task once the scheduler picked this run (upstream re-checks under the run lock:
 * the run may have finished or filled up meanwhile). The task starts at the run's total games
 * so that every task plays its own slice of the shuffled opening book.
 */
export const decideAssignTask = (command: AssignTask, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, workerInfo } = command.data;
  if (state.kind === 'none') return reject('run-not-found', workerMessages.invalidRunId(runId));
  const remaining = remainingGames(state);
  if (state.finished || remaining <= 0) return reject('run-not-needing-games', workerMessages.runNoLongerNeedsGames(runId));
  return [
    runEvent('TaskAssigned', {
      runId,
      at: toIso(context.now),
      taskId: state.tasks.length,
      numGames: taskSize(state.args, workerInfo.concurrency, remaining),
      start: state.totalGames,
      workerInfo,
    }),
  ];
};
