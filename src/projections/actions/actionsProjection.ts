import { NETWORK_EVENT_TYPES, type NetworkEvent } from '../../domain/networks/events.js';
import type { RunEvent, RunEventType } from '../../domain/runs/events.js';
import { workerName } from '../../domain/shared/worker-info.js';
import { USER_EVENT_TYPES, type UserEvent } from '../../domain/users/index.js';
import type { RecordedEvent } from '../../stores/events/port.js';
import { WORKER_STREAM_PREFIX } from '../../domain/workers/streams.js';
import type { CurrentDoc, DocChange, DocKey, Projection } from '../projection.js';
import {
  activeTaskDoc,
  asRunEvent,
  endedTaskChanges,
  ownTaskIdsOf,
  RUN_STOPPING_TYPES,
  stopsOneTask,
  TASK_STOPPING_TYPES,
  taskDocId,
} from '../runs/runEventFacts.js';
import { actionId, type ActionDocument, type ActionFields } from './actionDocument.js';
import { SYSTEM_EVENT_TYPES, SYSTEM_STREAM, type SystemEvent } from '../../domain/system/events.js';
import {
  networkEventActions,
  runEventActions,
  systemEventActions,
  userEventActions,
  type ActionRunDocument,
  type ActionTaskDocument,
  type TaskWorker,
} from './auditActions.js';

export const ACTIONS = 'actions';
/** Per run: branch and owner, which its audit entries name. */
export const ACTION_RUNS = 'actionRuns';
/** Per active task: its worker, which the entries of the task's end name. */
export const ACTION_TASKS = 'actionTasks';

const RUN_TYPES = [
  'RunCreated',
  'RunApproved',
  'RunUnapproved',
  'RunModified',
  'TaskAssigned',
  ...TASK_STOPPING_TYPES,
  ...RUN_STOPPING_TYPES,
  'RunPurged',
  'RunPurgeRefused',
  'WorkerLogged',
] as const satisfies readonly RunEventType[];

const NETWORK_TYPES: ReadonlySet<string> = new Set(NETWORK_EVENT_TYPES);
const USER_TYPES: ReadonlySet<string> = new Set(USER_EVENT_TYPES);
const SYSTEM_TYPES: ReadonlySet<string> = new Set(SYSTEM_EVENT_TYPES);

const WORKER_BLOCK_TYPES = ['WorkerBlocked', 'WorkerUnblocked'] as const;

/** Upstream `block_worker`: who blocked or unblocked which machine (its short name). */
const workerBlockActions = (event: RecordedEvent): ActionFields[] => {
  if (!event.streamId.startsWith(WORKER_STREAM_PREFIX)) return [];
  const by = (event.data as { by?: unknown } | null)?.by;
  return [
    {
      action: 'block_worker',
      username: typeof by === 'string' && by !== '' ? by : event.metadata.actor,
      worker: event.streamId.slice(WORKER_STREAM_PREFIX.length),
      message: event.type === 'WorkerBlocked' ? 'blocked' : 'unblocked',
    },
  ];
};

const hasName = (data: unknown, field: 'name' | 'username' | 'instance' | 'message'): boolean =>
  typeof data === 'object' && data !== null && typeof (data as Record<string, unknown>)[field] === 'string';

/** The entries of a non-run event (networks, users, worker machines). */
const otherActions = (event: RecordedEvent): ActionFields[] => {
  if (NETWORK_TYPES.has(event.type) && hasName(event.data, 'name')) {
    return networkEventActions({ type: event.type, data: event.data } as NetworkEvent);
  }
  if (USER_TYPES.has(event.type) && hasName(event.data, 'username')) {
    return userEventActions({ type: event.type, data: event.data } as UserEvent);
  }
  if (event.type === 'WorkerBlocked' || event.type === 'WorkerUnblocked') return workerBlockActions(event);
  const systemField = event.type === 'DiagnosticLogged' ? 'message' : 'instance';
  if (event.streamId === SYSTEM_STREAM && SYSTEM_TYPES.has(event.type) && hasName(event.data, systemField)) {
    return systemEventActions({ type: event.type, data: event.data } as SystemEvent);
  }
  return [];
};

const actionsOf = (event: RecordedEvent, run: ActionRunDocument | null, worker: TaskWorker | null): ActionFields[] => {
  const runEvent = asRunEvent(event);
  return runEvent ? runEventActions(runEvent, run, worker) : otherActions(event);
};

/** Upstream stamps an action with the time it is stored: here, the time the event was stored. */
const unixSeconds = (event: RecordedEvent): number => Date.parse(event.metadata.serverTime) / 1000;

const taskKey = (runId: string, taskId: number): DocKey => ({ collection: ACTION_TASKS, id: taskDocId(runId, taskId) });

/** The worker of the task the event stops, while that task is still active. */
const workerOf = (event: RunEvent, run: ActionRunDocument | null, current: CurrentDoc): TaskWorker | null => {
  if (!stopsOneTask(event)) return null;
  const task = activeTaskDoc<ActionTaskDocument>(run, ACTION_TASKS, event.data.taskId, current);
  return task && { worker: task.worker, username: task.username };
};

/** The run's and its tasks' bookkeeping after the event: who works on which active task. */
const bookkeeping = (event: RunEvent, run: ActionRunDocument | null, current: CurrentDoc): DocChange[] => {
  const { runId } = event.data;
  if (event.type === 'RunCreated') {
    const doc: ActionRunDocument = { _id: runId, new_tag: event.data.args.new_tag, username: event.data.args.username, generation: 0 };
    return [{ collection: ACTION_RUNS, id: runId, doc }];
  }
  if (!run) return [];
  if (event.type === 'TaskAssigned') {
    const { taskId, workerInfo } = event.data;
    const id = taskDocId(runId, taskId);
    const doc: ActionTaskDocument = { _id: id, worker: workerName(workerInfo), username: workerInfo.username, generation: run.generation };
    return [{ collection: ACTION_TASKS, id, doc }];
  }
  return endedTaskChanges(event, run, { runs: ACTION_RUNS, tasks: ACTION_TASKS }, current);
};

/**
 * The audit log: one entry per auditable event (two for a failed or dead task that also crashed
 * or lost on time), with upstream's action names and fields.
 */
export const actionsProjection: Projection = {
  name: 'actions',
  version: 3,
  collections: {
    [ACTIONS]: {
      indexes: ['time', 'action', 'run_id', 'username'],
      textFields: ['action', 'username', 'worker', 'message', 'run', 'user', 'nn'],
    },
    [ACTION_RUNS]: { indexes: [] },
    [ACTION_TASKS]: { indexes: [] },
  },
  eventTypes: [...RUN_TYPES, ...NETWORK_EVENT_TYPES, ...USER_EVENT_TYPES, ...WORKER_BLOCK_TYPES, ...SYSTEM_EVENT_TYPES],
  keys: (event) => {
    const entries = actionsOf(event, null, null).map((_, index): DocKey => ({ collection: ACTIONS, id: actionId(event.position, index) }));
    const run = asRunEvent(event);
    if (!run) return entries;
    const { runId } = run.data;
    return [{ collection: ACTION_RUNS, id: runId }, ...ownTaskIdsOf(run).map((taskId) => taskKey(runId, taskId)), ...entries];
  },
  project: (event, current) => {
    const runEvent = asRunEvent(event);
    const run = runEvent ? (current(ACTION_RUNS, runEvent.data.runId) as ActionRunDocument | null) : null;
    const worker = runEvent ? workerOf(runEvent, run, current) : null;
    const time = unixSeconds(event);
    const changes: DocChange[] = actionsOf(event, run, worker).map((fields, index) => {
      const doc: ActionDocument = { _id: actionId(event.position, index), time, ...fields };
      return { collection: ACTIONS, id: doc._id, doc };
    });
    return runEvent ? [...changes, ...bookkeeping(runEvent, run, current)] : changes;
  },
};
