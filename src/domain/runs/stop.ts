import { LIMITS } from '../shared/constants.js';
import { isRejection, reject, type Decision } from '../shared/decider.js';
import { findOwnedTask } from '../tasks/task-ownership.js';
import { toIso } from '../shared/time.js';
import { workerName } from '../shared/worker-info.js';
import type { DeleteRun, PurgeRun, RunRejectionCode, StopRun, StopRunFromWorker } from './commands.js';
import type { RunContext } from './context.js';
import { runEvent, type RunEvent } from './events.js';
import { purgeEvents, stopRunEvents } from './finish.js';
import { computeFlags } from './flags.js';
import { lifecycleMessages, workerMessages } from './messages.js';
import type { Run, RunState } from './state.js';

const mayModify = (run: Run, by: string, isApprover: boolean): boolean => isApprover || run.args.username === by;

export const truncateMessage = (message: string): string => message.slice(0, LIMITS.actionMessageSize);

/** Owner or approver stops the run (upstream does not check that it is still running). */
export const decideStopRun = (command: StopRun, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, by, isApprover } = command.data;
  if (state.kind === 'none') return reject('run-not-found', lifecycleMessages.runNotFound(runId));
  if (!mayModify(state, by, isApprover)) return reject('not-allowed', lifecycleMessages.stopOthersRun);
  return stopRunEvents(state, { kind: 'user', by }, context.now);
};

/** Owner or approver deletes the run: it stops (no purge) and leaves the finished lists. */
export const decideDeleteRun = (command: DeleteRun, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, by, isApprover } = command.data;
  if (state.kind === 'none') return reject('run-not-found', lifecycleMessages.runNotFound(runId));
  if (!mayModify(state, by, isApprover)) return reject('not-allowed', lifecycleMessages.stopOthersRun);
  return [runEvent('RunDeleted', { runId, at: toIso(context.now), by, flags: computeFlags(state.args, state.results) })];
};

/** Owner or approver purges by hand, with looser thresholds than the automatic purge. */
export const decidePurgeRun = (command: PurgeRun, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, by, isApprover } = command.data;
  if (state.kind === 'none') return reject('run-not-found', lifecycleMessages.runNotFound(runId));
  if (!mayModify(state, by, isApprover)) return reject('not-allowed', lifecycleMessages.purgeNotAllowed);
  return purgeEvents(state, 'manual', by, context.now);
};

/**
 * A worker declares the run broken. Users with ≥ 1000 CPU hours fail and stop it; others only
 * stop their own task (the reply then says "too few games"). A finished run is left alone.
 */
export const decideStopRunFromWorker = (
  command: StopRunFromWorker,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, workerInfo, message, cpuHours } = command.data;
  const found = findOwnedTask(state, runId, taskId, workerInfo);
  if (isRejection(found)) return found;
  if (found.run.finished) return reject('run-finished', workerMessages.stopRunAlreadyFinished(runId));
  const name = workerName(workerInfo);
  if (cpuHours < LIMITS.stopRunMinCpuHours) {
    return [
      runEvent('RunStopRefused', {
        runId,
        at: toIso(context.now),
        by: workerInfo.username,
        taskId,
        workerName: name,
        message: truncateMessage(message + workerMessages.notAuthorizedSuffix),
      }),
    ];
  }
  return stopRunEvents(
    found.run,
    { kind: 'worker', by: workerInfo.username, taskId, workerName: name, message: truncateMessage(message) },
    context.now,
  );
};
