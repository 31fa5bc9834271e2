import type { RecordedEvent } from '../../stores/events/port.js';
import type { Doc } from '../../stores/documents/port.js';
import type { CurrentDoc, DocChange } from '../projection.js';
import { RUN_EVENT_TYPES, type RunEvent, type RunEventType } from '../../domain/runs/events.js';

/*
 * Pure facts about run events shared by the read models built from `run-<id>` streams.
 */

const RUN_TYPES: ReadonlySet<string> = new Set(RUN_EVENT_TYPES);

/** The event as the run domain typed it, or null for an event of another stream kind. */
export const asRunEvent = (event: RecordedEvent): RunEvent | null => {
  if (!RUN_TYPES.has(event.type)) return null;
  const data = event.data as { runId?: unknown } | null;
  if (typeof data !== 'object' || data === null || typeof data.runId !== 'string') return null;
  return { type: event.type, data: event.data } as RunEvent;
};

/** Events that make one task inactive (`data.taskId`), as the run aggregate's `deactivateTask`. */
export const TASK_STOPPING_TYPES = [
  'TaskUpdateRejected',
  'TaskCompleted',
  'TaskFailed',
  'TaskDead',
  'RunStopRefused',
] as const satisfies readonly RunEventType[];

/** Events that make every active task of the run inactive (upstream `set_inactive_run`). */
export const RUN_STOPPING_TYPES = ['RunStopped', 'RunFinished', 'RunDeleted'] as const satisfies readonly RunEventType[];

/**
 * Events that start, feed or end an active task, for read models of who works on what (machines,
 * contributors): a run's creation names its fields, a purge sets tasks aside.
 */
export const ACTIVE_TASK_EVENT_TYPES = [
  'RunCreated',
  'TaskAssigned',
  'TaskResultsReported',
  ...TASK_STOPPING_TYPES,
  ...RUN_STOPPING_TYPES,
  'RunPurged',
] as const satisfies readonly RunEventType[];

const TASK_STOPPING: ReadonlySet<string> = new Set(TASK_STOPPING_TYPES);
const RUN_STOPPING: ReadonlySet<string> = new Set(RUN_STOPPING_TYPES);

export type TaskStoppingEvent = Extract<RunEvent, { type: (typeof TASK_STOPPING_TYPES)[number] }>;
export type RunStoppingEvent = Extract<RunEvent, { type: (typeof RUN_STOPPING_TYPES)[number] }>;

export const stopsOneTask = (event: RunEvent): event is TaskStoppingEvent => TASK_STOPPING.has(event.type);
export const stopsAllTasks = (event: RunEvent): event is RunStoppingEvent => RUN_STOPPING.has(event.type);

/** The task ids a purge sets aside (they stop too). */
export const purgedTaskIds = (event: RunEvent): number[] =>
  event.type === 'RunPurged' ? event.data.badTasks.map((task) => task.taskId) : [];

/**
 * The run's count of run-wide stops after the event. Read models that keep one document per active
 * task stamp it with the count at assignment: a run-wide stop cannot name each of those documents,
 * so it retires them all by moving the count on.
 */
export const generationAfter = (generation: number, event: RunEvent): number =>
  stopsAllTasks(event) ? generation + 1 : generation;

/** The tasks whose per-task documents the event writes: the one it assigns or stops, or those a purge sets aside. */
export const ownTaskIdsOf = (event: RunEvent): number[] =>
  event.type === 'TaskAssigned' || stopsOneTask(event) ? [event.data.taskId] : purgedTaskIds(event);

/** A task's per-task document while the task is active: one from before a run-wide stop is not. */
export const activeTaskDoc = <T extends Doc & { generation: number }>(
  run: { _id: string; generation: number } | null,
  collection: string,
  taskId: number,
  current: CurrentDoc,
): T | null => {
  if (!run) return null;
  const task = current(collection, taskDocId(run._id, taskId)) as T | null;
  return task && task.generation === run.generation ? task : null;
};

/**
 * What the end of tasks changes in a read model with one document per active task: the documents
 * of the tasks the event stops or purges go, and a run-wide stop moves the run's generation on.
 */
export const endedTaskChanges = <R extends Doc & { _id: string; generation: number }>(
  event: RunEvent,
  run: R,
  collections: { runs: string; tasks: string },
  current: CurrentDoc,
): DocChange[] => {
  const changes: DocChange[] = ownTaskIdsOf(event)
    .map((taskId) => taskDocId(run._id, taskId))
    .filter((id) => current(collections.tasks, id) !== null)
    .map((id) => ({ collection: collections.tasks, id, doc: null }));
  const generation = generationAfter(run.generation, event);
  if (generation !== run.generation) changes.push({ collection: collections.runs, id: run._id, doc: { ...run, generation } });
  return changes;
};

/**
 * When the event happened: the domain time `at` of run events (the time the aggregate itself
 * records, so read models agree with it), else the time the store accepted the event. Never the
 * clock: a rebuild gives the same documents.
 */
export const eventTime = (event: RecordedEvent): string => {
  const at = (event.data as { at?: unknown } | null)?.at;
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : event.metadata.serverTime;
};

/** `<runId>-<taskId>`: the id of a task's documents. */
export const taskDocId = (runId: string, taskId: number): string => `${runId}-${taskId}`;
