import { workerName, type WorkerInfo } from '../../domain/shared/worker-info.js';
import type { Doc } from '../../stores/documents/port.js';
import type { DocChange, DocKey, Projection } from '../projection.js';
import {
  ACTIVE_TASK_EVENT_TYPES,
  asRunEvent,
  purgedTaskIds,
  stopsAllTasks,
  stopsOneTask,
  taskDocId,
} from '../runs/runEventFacts.js';

export const MACHINES = 'machines';
/** Per run: what a machine row shows about the run, and which of its tasks are active. */
export const MACHINE_RUNS = 'machineRuns';

/** A worker as the machines list shows it: never its address, and only a prefix of its key. */
export type PublicWorkerInfo = Omit<WorkerInfo, 'remote_addr' | 'unique_key'> & { unique_key: string };

/** One active task: upstream's `get_machines()` row (worker_info + last_updated + run + task_id). */
export interface MachineDocument extends Doc {
  _id: string;
  run_id: string;
  task_id: number;
  worker_name: string;
  username: string;
  concurrency: number;
  nps: number;
  last_updated: string;
  worker_info: PublicWorkerInfo;
  /** The run it works on: branch, time control and threads (games/hour needs the last two). */
  run: { new_tag: string; tc: string; threads: number };
}

export interface MachineRunDocument extends Doc {
  _id: string;
  new_tag: string;
  tc: string;
  threads: number;
  active_task_ids: number[];
}

/** Upstream shows the first 8 characters of a worker's key (the key itself proves task ownership). */
export const UNIQUE_KEY_PREFIX_LENGTH = 8;

export const publicWorkerInfo = (info: WorkerInfo): PublicWorkerInfo => {
  const { remote_addr: _address, unique_key: uniqueKey, ...rest } = info;
  return { ...rest, unique_key: `${uniqueKey.slice(0, UNIQUE_KEY_PREFIX_LENGTH)}...` };
};

const runKey = (runId: string): DocKey => ({ collection: MACHINE_RUNS, id: runId });
const machineKey = (runId: string, taskId: number): DocKey => ({ collection: MACHINES, id: taskDocId(runId, taskId) });

/**
 * Active workers, one document per active task (deleted when the task stops), like upstream's
 * machines list built from the active tasks of unfinished runs.
 */
export const machinesProjection: Projection = {
  name: 'machines',
  version: 1,
  collections: {
    [MACHINES]: {
      indexes: ['username', 'last_updated', 'run_id', 'concurrency'],
      textFields: ['worker_name', 'run.new_tag', 'worker_info.uname', 'worker_info.worker_arch', 'worker_info.compiler'],
    },
    [MACHINE_RUNS]: { indexes: [] },
  },
  eventTypes: ACTIVE_TASK_EVENT_TYPES,
  lookups: (event) => {
    const run = asRunEvent(event);
    return run && stopsAllTasks(run) ? [runKey(run.data.runId)] : [];
  },
  keys: (event, lookup) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    if (stopsAllTasks(run)) {
      const meta = lookup(MACHINE_RUNS, runId) as MachineRunDocument | null;
      return [runKey(runId), ...(meta?.active_task_ids ?? []).map((taskId) => machineKey(runId, taskId))];
    }
    if (run.type === 'RunPurged') return [runKey(runId), ...purgedTaskIds(run).map((taskId) => machineKey(runId, taskId))];
    if (run.type === 'RunCreated') return [runKey(runId)];
    // An update changes its machine alone; the run's document is for assignments and stops.
    if (run.type === 'TaskResultsReported') return [machineKey(runId, run.data.taskId)];
    return [runKey(runId), machineKey(runId, (run.data as { taskId: number }).taskId)];
  },
  project: (event, current) => {
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId, at } = run.data;
    if (run.type === 'RunCreated') {
      const { new_tag, tc, threads } = run.data.args;
      const meta: MachineRunDocument = { _id: runId, new_tag, tc, threads, active_task_ids: [] };
      return [{ collection: MACHINE_RUNS, id: runId, doc: meta }];
    }
    if (run.type === 'TaskResultsReported') {
      const { taskId, workerInfo } = run.data;
      const machine = current(MACHINES, taskDocId(runId, taskId)) as MachineDocument | null;
      if (!machine) return [];
      const updated: MachineDocument = workerInfo
        ? {
            ...machine,
            last_updated: at,
            worker_name: workerName(workerInfo),
            nps: workerInfo.nps,
            worker_info: publicWorkerInfo(workerInfo),
          }
        : { ...machine, last_updated: at };
      return [{ collection: MACHINES, id: machine._id, doc: updated }];
    }
    const meta = current(MACHINE_RUNS, runId) as MachineRunDocument | null;
    if (!meta) return [];
    const changes: DocChange[] = [];
    const remove = (taskIds: readonly number[]): void => {
      for (const taskId of taskIds) {
        if (current(MACHINES, taskDocId(runId, taskId))) {
          changes.push({ collection: MACHINES, id: taskDocId(runId, taskId), doc: null });
        }
      }
      const stopped = new Set(taskIds);
      changes.push({
        collection: MACHINE_RUNS,
        id: runId,
        doc: { ...meta, active_task_ids: meta.active_task_ids.filter((id) => !stopped.has(id)) },
      });
    };

    if (run.type === 'TaskAssigned') {
      const { taskId, workerInfo } = run.data;
      const machine: MachineDocument = {
        _id: taskDocId(runId, taskId),
        run_id: runId,
        task_id: taskId,
        worker_name: workerName(workerInfo),
        username: workerInfo.username,
        concurrency: workerInfo.concurrency,
        nps: workerInfo.nps,
        last_updated: at,
        worker_info: publicWorkerInfo(workerInfo),
        run: { new_tag: meta.new_tag, tc: meta.tc, threads: meta.threads },
      };
      changes.push({ collection: MACHINES, id: machine._id, doc: machine });
      if (!meta.active_task_ids.includes(taskId)) {
        changes.push({ collection: MACHINE_RUNS, id: runId, doc: { ...meta, active_task_ids: [...meta.active_task_ids, taskId] } });
      }
    } else if (stopsOneTask(run)) {
      remove([run.data.taskId]);
    } else if (stopsAllTasks(run)) {
      remove(meta.active_task_ids);
    } else if (run.type === 'RunPurged') {
      remove(purgedTaskIds(run));
    }
    return changes;
  },
};
