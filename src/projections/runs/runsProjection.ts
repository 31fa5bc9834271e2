import type { Projection } from '../projection.js';
import type { RunEvent, RunEventType } from '../../domain/runs/events.js';
import { evolveRunRead, type RunDocument, type RunTaskCounters, type TaskCounters } from './runDocument.js';
import { asRunEvent, purgedTaskIds, taskDocId } from './runEventFacts.js';

export const RUNS = 'runs';
/** Internal: per run, the sums over its active tasks and its bad task ids (a fixed size). */
export const RUN_TASK_COUNTERS = 'runTaskCounters';
/** Internal: one small document per active task, `<runId>-<taskId>`. */
export const TASK_COUNTERS = 'taskCounters';
/** Events that change a run document (the others are only audit or task facts). */
const RUN_DOCUMENT_EVENTS = [
  'RunCreated',
  'RunApproved',
  'RunUnapproved',
  'RunModified',
  'RunRevived',
  'TaskAssigned',
  'TaskResultsReported',
  'TaskUpdateRejected',
  'TaskCompleted',
  'TaskFailed',
  'TaskDead',
  'SpsaResultsApplied',
  'RunStopped',
  'RunStopRefused',
  'RunFinished',
  'RunPurged',
  'RunDeleted',
] as const satisfies readonly RunEventType[];

/** The tasks whose counters the event reads or changes (a run-wide stop changes none of them). */
const countedTaskIds = (event: RunEvent): number[] => {
  if (event.type === 'RunPurged') return purgedTaskIds(event);
  if (event.type === 'SpsaResultsApplied') return [];
  const { taskId } = event.data as { taskId?: unknown };
  return typeof taskId === 'number' ? [taskId] : [];
};

/**
 * One document per run: everything the run lists and `/api/get_run` show. Indexed for the
 * homepage (unfinished runs by status), the finished lists (green, yellow, LTC via `tc_base`, by
 * user, newest first) and a text search over the branch, the description and the submitter.
 * Every event writes documents of a fixed size, however many workers the run has.
 */
export const runsProjection: Projection = {
  name: 'runs',
  version: 2,
  collections: {
    [RUNS]: {
      indexes: [
        'finished',
        'deleted',
        'status',
        'args.username',
        'last_updated',
        'start_time',
        'is_green',
        'is_yellow',
        'tc_base',
      ],
      textFields: ['args.new_tag', 'args.info', 'args.username'],
    },
    [RUN_TASK_COUNTERS]: { indexes: [] },
    [TASK_COUNTERS]: { indexes: [] },
  },
  eventTypes: RUN_DOCUMENT_EVENTS,
  keys: (event) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    return [
      { collection: RUNS, id: runId },
      { collection: RUN_TASK_COUNTERS, id: runId },
      ...countedTaskIds(run).map((taskId) => ({ collection: TASK_COUNTERS, id: taskDocId(runId, taskId) })),
    ];
  },
  project: (event, current) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    const doc = current(RUNS, runId) as RunDocument | null;
    const counters = current(RUN_TASK_COUNTERS, runId) as RunTaskCounters | null;
    const taskIds = countedTaskIds(run);
    const tasks = Object.fromEntries(
      taskIds.map((taskId) => [String(taskId), current(TASK_COUNTERS, taskDocId(runId, taskId)) as TaskCounters | null]),
    );
    const before = doc === null || counters === null ? null : { doc, counters, tasks };
    const after = evolveRunRead(before, run);
    if (after === null || after === before) return [];
    return [
      ...(after.doc === before?.doc ? [] : [{ collection: RUNS, id: runId, doc: after.doc }]),
      ...(after.counters === before?.counters ? [] : [{ collection: RUN_TASK_COUNTERS, id: runId, doc: after.counters }]),
      ...taskIds
        .filter((taskId) => after.tasks[String(taskId)] !== tasks[String(taskId)])
        .map((taskId) => ({ collection: TASK_COUNTERS, id: taskDocId(runId, taskId), doc: after.tasks[String(taskId)] ?? null })),
    ];
  },
};
