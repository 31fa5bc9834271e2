import type { RunEvent, RunEventType } from '../../domain/runs/events.js';
import type { DocChange, DocKey, Projection } from '../projection.js';
import {
  asRunEvent,
  RUN_STOPPING_TYPES,
  stopsAllTasks,
  stopsOneTask,
  taskDocId,
  TASK_STOPPING_TYPES,
} from '../runs/runEventFacts.js';
import {
  assignedTask,
  emptyTaskRun,
  purgedTask,
  reportedTask,
  stoppedTask,
  withoutSpsaStep,
  withSpsaStep,
  type TaskDocument,
  type TaskRunDocument,
} from './taskDocument.js';

export const TASKS = 'tasks';
/** Per run: its active task ids and bad-task count (what a run-wide stop or a purge needs). */
export const TASK_RUNS = 'taskRuns';

const TASK_EVENTS = [
  'TaskAssigned',
  'TaskResultsReported',
  ...TASK_STOPPING_TYPES,
  'SpsaStepIssued',
  'SpsaResultsApplied',
  'SpsaResultsDiscarded',
  ...RUN_STOPPING_TYPES,
  'RunPurged',
] as const satisfies readonly RunEventType[];

/** Events that change one task's document only, never the run's task list: most of the log. */
const TASK_ONLY: ReadonlySet<string> = new Set<RunEventType>([
  'TaskResultsReported',
  'SpsaStepIssued',
  'SpsaResultsApplied',
  'SpsaResultsDiscarded',
]);

const metaKey = (runId: string): DocKey => ({ collection: TASK_RUNS, id: runId });
const taskKey = (runId: string, taskId: number): DocKey => ({ collection: TASKS, id: taskDocId(runId, taskId) });

const taskIdsOf = (event: RunEvent, meta: TaskRunDocument | null): number[] => {
  if (stopsAllTasks(event)) return meta?.active_task_ids ?? [];
  if (event.type === 'RunPurged') return event.data.badTasks.map((task) => task.taskId);
  const { taskId } = event.data as { taskId?: unknown };
  return typeof taskId === 'number' ? [taskId] : [];
};

/**
 * One document per task (`<runId>-<taskId>`), so a run document never grows with its tasks: the
 * task table of a run, `/api/get_task`, and the purged copies upstream keeps in `bad_tasks`.
 */
export const tasksProjection: Projection = {
  name: 'tasks',
  version: 1,
  collections: {
    [TASKS]: {
      indexes: ['run_id', 'task_id', 'active', 'bad_index', 'username', 'last_updated'],
      textFields: ['worker_name'],
    },
    [TASK_RUNS]: { indexes: [] },
  },
  eventTypes: TASK_EVENTS,
  // A run-wide stop touches the tasks active at that moment, which only the run's task list knows.
  lookups: (event) => {
    const run = asRunEvent(event);
    return run && stopsAllTasks(run) ? [metaKey(run.data.runId)] : [];
  },
  keys: (event, lookup) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    const meta = stopsAllTasks(run) ? (lookup(TASK_RUNS, runId) as TaskRunDocument | null) : null;
    const tasks = taskIdsOf(run, meta).map((taskId) => taskKey(runId, taskId));
    return TASK_ONLY.has(run.type) ? tasks : [metaKey(runId), ...tasks];
  },
  project: (event, current) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId, at } = run.data;
    const taskOf = (taskId: number): TaskDocument | null =>
      current(TASKS, taskDocId(runId, taskId)) as TaskDocument | null;
    const written = (task: TaskDocument | null): DocChange[] => (task ? [{ collection: TASKS, id: task._id, doc: task }] : []);

    if (run.type === 'TaskResultsReported') {
      const task = taskOf(run.data.taskId);
      return written(task && reportedTask(task, run.data.stats, at, run.data.workerInfo));
    }
    if (run.type === 'SpsaStepIssued') {
      const task = taskOf(run.data.taskId);
      return written(task && withSpsaStep(task, run.data.iter, run.data.flips));
    }
    if (run.type === 'SpsaResultsApplied' || run.type === 'SpsaResultsDiscarded') {
      const task = taskOf(run.data.taskId);
      return written(task?.spsa_params ? withoutSpsaStep(task) : null);
    }

    const stored = current(TASK_RUNS, runId) as TaskRunDocument | null;
    let meta = stored ?? emptyTaskRun(runId);
    const changes: DocChange[] = [];
    const write = (task: TaskDocument): void => {
      changes.push({ collection: TASKS, id: task._id, doc: task });
    };
    const deactivate = (taskId: number): void => {
      meta = { ...meta, active_task_ids: meta.active_task_ids.filter((id) => id !== taskId) };
    };

    if (run.type === 'TaskAssigned') {
      write(assignedTask(run));
      if (!meta.active_task_ids.includes(run.data.taskId)) {
        meta = { ...meta, active_task_ids: [...meta.active_task_ids, run.data.taskId] };
      }
    } else if (stopsOneTask(run) || stopsAllTasks(run)) {
      for (const taskId of taskIdsOf(run, stored)) {
        const task = taskOf(taskId);
        if (task?.active) write(stoppedTask(task, at));
        deactivate(taskId);
      }
    } else if (run.type === 'RunPurged') {
      for (const { taskId, residual, residualColor } of run.data.badTasks) {
        const task = taskOf(taskId);
        if (!task) continue;
        deactivate(taskId);
        if (task.bad) {
          if (task.active) write(stoppedTask(task, at));
          continue;
        }
        write(purgedTask(task, at, meta.bad_count, residual, residualColor));
        meta = { ...meta, bad_count: meta.bad_count + 1 };
      }
    }
    if (meta !== stored) changes.push({ collection: TASK_RUNS, id: runId, doc: meta });
    return changes;
  },
};
