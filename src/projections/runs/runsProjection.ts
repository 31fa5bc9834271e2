import type { RunEventType } from '../../domain/runs/events.js';
import type { Projection } from '../projection.js';
import { evolveRunRead, type RunDocument, type RunTaskCounters } from './runDocument.js';
import { asRunEvent } from './runEventFacts.js';

export const RUNS = 'runs';
/** Internal: the active tasks behind a run's counters. */
export const RUN_TASK_COUNTERS = 'runTaskCounters';

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

/**
 * One document per run: everything the run lists and `/api/get_run` show. Indexed for the
 * homepage (unfinished runs by status), the finished lists (green, yellow, LTC via `tc_base`, by
 * user, newest first) and a text search over the branch, the description and the submitter.
 */
export const runsProjection: Projection = {
  name: 'runs',
  version: 1,
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
  },
  eventTypes: RUN_DOCUMENT_EVENTS,
  keys: (event) => {
    const run = asRunEvent(event);
    if (!run) return [];
    return [
      { collection: RUNS, id: run.data.runId },
      { collection: RUN_TASK_COUNTERS, id: run.data.runId },
    ];
  },
  project: (event, current) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    const doc = current(RUNS, runId) as RunDocument | null;
    const counters = current(RUN_TASK_COUNTERS, runId) as RunTaskCounters | null;
    const before = doc === null ? null : { doc, counters: counters ?? { _id: runId, active: {}, bad: [] } };
    const after = evolveRunRead(before, run);
    if (after === null || after === before) return [];
    return [
      { collection: RUNS, id: runId, doc: after.doc },
      { collection: RUN_TASK_COUNTERS, id: runId, doc: after.counters },
    ];
  },
};
