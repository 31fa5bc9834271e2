import type { ActiveTaskRef, FleetView, WorkerRunHistory } from '../../domain/scheduling/fleet.js';
import type { Run, RunState, TaskState } from '../../domain/runs/state.js';
import type { EpochMs } from '../../domain/shared/time.js';
import { shortWorkerName, workerName, type WorkerInfo } from '../../domain/shared/worker-info.js';

/*
 * These maps hold an entry per worker of the fleet, so their entries are kept small: a plain
 * array where a worker has a handful of values (most have one), and the task's own worker info
 * rather than names derived from it, which only a refusal needs.
 */

interface Holder {
  readonly runId: string;
  readonly taskId: number;
  readonly workerInfo: WorkerInfo;
  readonly assignedAt: EpochMs;
}

interface History {
  runIds: string[];
  lastRun?: string;
  lastAssignedAt: EpochMs;
}

/**
 * What the scheduler decides over: the unfinished runs, and upstream's in-memory maps kept
 * incrementally from run state changes — the active task of each short worker name (wtt_map),
 * active tasks per IP (connections_counter) and the runs each worker played (worker_runs).
 */
export interface ActiveRuns {
  /** A newer state of a run (from the run cache). */
  apply(runId: string, state: RunState): void;
  runs(): Run[];
  get(runId: string): Run | undefined;
  size(): number;
  /** The fleet as request_task sees it; `lastBeat` adds heartbeats to the tasks' own last update. */
  fleet(lastBeat: (runId: string, taskId: number) => EpochMs | undefined): FleetView;
  /** Drops finished runs from the workers' histories (upstream's clean_worker_runs). */
  pruneHistories(): void;
}

export interface ActiveRunsOptions {
  /** A task stopped (completed, failed, dead, run finished...). */
  onTaskStopped?: (runId: string, taskId: number) => void;
}

export const createActiveRuns = (options: ActiveRunsOptions = {}): ActiveRuns => {
  const runs = new Map<string, Run>();
  const holders = new Map<string, Holder[]>();
  const connections = new Map<string, number>();
  const histories = new Map<string, History>();

  const isHolderOf = (runId: string, taskId: number) => (holder: Holder): boolean =>
    holder.runId === runId && holder.taskId === taskId;

  const addHolder = (run: Run, task: TaskState): void => {
    const shortName = shortWorkerName(task.workerInfo);
    const holder: Holder = { runId: run.runId, taskId: task.taskId, workerInfo: task.workerInfo, assignedAt: task.assignedAt };
    const held = holders.get(shortName);
    const index = held?.findIndex(isHolderOf(run.runId, task.taskId)) ?? -1;
    if (held === undefined) holders.set(shortName, [holder]);
    else if (index >= 0) held[index] = holder;
    else held.push(holder);
    const address = task.workerInfo.remote_addr;
    connections.set(address, (connections.get(address) ?? 0) + 1);
  };

  const removeHolder = (run: Run, task: TaskState): void => {
    const shortName = shortWorkerName(task.workerInfo);
    const held = holders.get(shortName);
    const index = held?.findIndex(isHolderOf(run.runId, task.taskId)) ?? -1;
    if (held !== undefined && index >= 0) {
      held.splice(index, 1);
      if (held.length === 0) holders.delete(shortName);
    }
    const address = task.workerInfo.remote_addr;
    const count = (connections.get(address) ?? 0) - 1;
    if (count > 0) connections.set(address, count);
    else connections.delete(address);
  };

  const recordHistory = (run: Run, task: TaskState): void => {
    const shortName = shortWorkerName(task.workerInfo);
    const history = histories.get(shortName) ?? { runIds: [], lastAssignedAt: -Infinity };
    if (!run.finished && !history.runIds.includes(run.runId)) history.runIds.push(run.runId);
    if (task.assignedAt >= history.lastAssignedAt) {
      history.lastRun = run.runId;
      history.lastAssignedAt = task.assignedAt;
    }
    histories.set(shortName, history);
  };

  const diffActiveTasks = (runId: string, previous: Run | undefined, state: Run): void => {
    const before = new Set(previous?.activeTaskIds ?? []);
    const after = new Set(state.activeTaskIds);
    if (previous !== undefined) {
      for (const taskId of before) {
        const task = previous.tasks.get(taskId);
        if (after.has(taskId) || task === undefined) continue;
        removeHolder(previous, task);
        options.onTaskStopped?.(runId, taskId);
      }
    }
    for (const taskId of after) {
      const task = state.tasks.get(taskId);
      if (!before.has(taskId) && task !== undefined) addHolder(state, task);
    }
  };

  return {
    apply(runId, state) {
      if (state.kind !== 'run') return;
      const previous = runs.get(runId);
      if (previous === undefined && state.finished) return;
      // Evolve keeps the same array while the active set stays the same (every update_task and
      // beat): only then is the diff, linear in the run's active tasks, skipped.
      if (previous?.activeTaskIds !== state.activeTaskIds) diffActiveTasks(runId, previous, state);
      for (let taskId = previous?.tasks.length ?? 0; taskId < state.tasks.length; taskId += 1) {
        const task = state.tasks.get(taskId);
        if (task !== undefined) recordHistory(state, task);
      }
      if (state.finished) runs.delete(runId);
      else runs.set(runId, state);
    },
    runs: () => [...runs.values()],
    get: (runId) => runs.get(runId),
    size: () => runs.size,
    fleet(lastBeat) {
      return {
        activeTaskOf(shortName): ActiveTaskRef | undefined {
          let newest: Holder | undefined;
          for (const holder of holders.get(shortName) ?? []) {
            if (newest === undefined || holder.assignedAt >= newest.assignedAt) newest = holder;
          }
          if (newest === undefined) return undefined;
          const lastUpdated = runs.get(newest.runId)?.tasks.get(newest.taskId)?.lastUpdated ?? newest.assignedAt;
          return {
            runId: newest.runId,
            taskId: newest.taskId,
            uniqueKey: newest.workerInfo.unique_key,
            workerName: workerName(newest.workerInfo),
            lastSeen: Math.max(lastUpdated, lastBeat(newest.runId, newest.taskId) ?? -Infinity),
          };
        },
        connectionsFrom: (address) => connections.get(address) ?? 0,
        historyOf: (shortName): WorkerRunHistory | undefined => histories.get(shortName),
      };
    },
    pruneHistories() {
      for (const [shortName, history] of histories) {
        history.runIds = history.runIds.filter((runId) => runs.has(runId));
        if (history.runIds.length === 0 && (history.lastRun === undefined || !runs.has(history.lastRun))) histories.delete(shortName);
      }
    },
  };
};
