import { LIMITS } from '../shared/constants.js';
import { isRejection, reject, type Decision } from '../shared/decider.js';
import { toIso } from '../shared/time.js';
import { workerName } from '../shared/worker-info.js';
import type {
  FailTask,
  LogWorkerMessage,
  RecordPgnUpload,
  RequestSpsaStep,
  RunRejectionCode,
  ScavengeDeadTasks,
} from '../runs/commands.js';
import type { RunContext } from '../runs/context.js';
import { drawFlips, spsaWorkerStep } from '../runs/adapters/spsa.js';
import { runEvent, type RunEvent } from '../runs/events.js';
import { workerMessages } from '../runs/messages.js';
import type { RunState, TaskState } from '../runs/state.js';
import { findOwnedTask } from './task-ownership.js';
import { crashOrTimeMessage } from './crash-or-time.js';

const truncate = (message: string): string => message.slice(0, LIMITS.actionMessageSize);

const withCrashOrTime = (task: TaskState): { crashOrTime?: string } => {
  const crashOrTime = crashOrTimeMessage(task.stats);
  return crashOrTime !== undefined ? { crashOrTime } : {};
};

/** The worker gave up its task; an inactive task has nothing to fail. */
export const decideFailTask = (command: FailTask, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, message, requestedBy } = command.data;
  const found = findOwnedTask(state, runId, taskId, requestedBy);
  if (isRejection(found)) return found;
  if (!found.task.active) return reject('task-inactive', workerMessages.failedTaskInactive(runId, taskId));
  return [
    runEvent('TaskFailed', { runId, at: toIso(context.now), taskId, message: truncate(message), ...withCrashOrTime(found.task) }),
  ];
};

/** Active tasks without an update or a heartbeat for more than 360 s are dead. */
export const decideScavengeDeadTasks = (
  command: ScavengeDeadTasks,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  if (state.kind === 'none') return [];
  const deadline = context.now - LIMITS.deadTaskSeconds * 1000;
  const at = toIso(context.now);
  const events: RunEvent[] = [];
  for (const taskId of state.activeTaskIds) {
    const task = state.tasks.get(taskId);
    if (task === undefined) continue;
    const lastSeen = Math.max(task.lastUpdated, command.data.lastBeatAt?.get(taskId) ?? -Infinity);
    if (lastSeen < deadline) events.push(runEvent('TaskDead', { runId: state.runId, at, taskId, ...withCrashOrTime(task) }));
  }
  return events;
};

/** A fresh random ±1 per parameter for the next SPSA batch of an active task. */
export const decideRequestSpsaStep = (
  command: RequestSpsaStep,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, requestedBy } = command.data;
  const found = findOwnedTask(state, runId, taskId, requestedBy);
  if (isRejection(found)) return found;
  const spsa = found.run.args.spsa;
  if (spsa === undefined) return reject('not-spsa', `request_spsa_data: run ${runId} is not an SPSA run`);
  if (!found.task.active) return reject('task-inactive', workerMessages.requestSpsaInactive(runId, taskId));
  const random = context.random;
  if (random === undefined) return reject('randomness-missing', 'request_spsa_data: no random source was given');
  const flips = drawFlips(spsa, random);
  // A step whose sizes cannot be computed (upstream raises) is never handed out.
  const step = spsaWorkerStep(spsa, flips);
  if (!step.ok) return reject('spsa-step-failure', `request_spsa_data: ${step.message}`);
  return [runEvent('SpsaStepIssued', { runId, at: toIso(context.now), taskId, iter: spsa.iter, flips })];
};

export const decideLogWorkerMessage = (
  command: LogWorkerMessage,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, workerInfo, message } = command.data;
  const found = findOwnedTask(state, runId, taskId, workerInfo);
  if (isRejection(found)) return found;
  return [
    runEvent('WorkerLogged', {
      runId,
      at: toIso(context.now),
      taskId,
      username: workerInfo.username,
      workerName: workerName(workerInfo),
      message: truncate(message),
    }),
  ];
};

/** PGNs arrive after failed tasks too: any task of the run may upload. */
export const decideRecordPgnUpload = (
  command: RecordPgnUpload,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, size, blobId, requestedBy } = command.data;
  const found = findOwnedTask(state, runId, taskId, requestedBy);
  if (isRejection(found)) return found;
  return [runEvent('PgnUploaded', { runId, at: toIso(context.now), taskId, size, blobId })];
};
