import type { EpochMs } from '../shared/time.js';
import { shortWorkerName, workerName } from '../shared/worker-info.js';
import type { Run } from '../runs/state.js';

/** The active task a worker name holds (upstream's `wtt_map` entry). */
export interface ActiveTaskRef {
  readonly runId: string;
  readonly taskId: number;
  readonly uniqueKey: string;
  /** Long worker name of the task's worker. */
  readonly workerName: string;
  /** Last update or heartbeat. */
  readonly lastSeen: EpochMs;
}

export interface WorkerRunHistory {
  /** Unfinished runs this worker had tasks of (it has their binaries): a handful. */
  readonly runIds: readonly string[];
  readonly lastRun?: string;
}

/**
 * What request_task needs to know about the whole fleet, upstream's in-memory maps: the active
 * task of each short worker name, active tasks per IP, and each worker's run history.
 */
export interface FleetView {
  activeTaskOf(shortName: string): ActiveTaskRef | undefined;
  connectionsFrom(remoteAddr: string): number;
  historyOf(shortName: string): WorkerRunHistory | undefined;
}

/**
 * Builds the fleet view by scanning runs (for start-up, tests, or a caller without its own
 * incremental maps). `lastBeatAt(runId, taskId)` supplies heartbeats, which are not events.
 */
export const fleetFromRuns = (runs: Iterable<Run>, lastBeatAt?: (runId: string, taskId: number) => EpochMs | undefined): FleetView => {
  const active = new Map<string, ActiveTaskRef & { assignedAt: EpochMs }>();
  const connections = new Map<string, number>();
  const history = new Map<string, { runIds: string[]; lastRun?: string; lastAssignedAt: EpochMs }>();
  for (const run of runs) {
    for (const task of run.tasks) {
      const shortName = shortWorkerName(task.workerInfo);
      const known = history.get(shortName) ?? { runIds: [], lastAssignedAt: -Infinity };
      if (!run.finished && !known.runIds.includes(run.runId)) known.runIds.push(run.runId);
      if (task.assignedAt >= known.lastAssignedAt) {
        known.lastRun = run.runId;
        known.lastAssignedAt = task.assignedAt;
      }
      history.set(shortName, known);
      if (!task.active) continue;
      const remoteAddr = task.workerInfo.remote_addr;
      connections.set(remoteAddr, (connections.get(remoteAddr) ?? 0) + 1);
      const current = active.get(shortName);
      if (current === undefined || task.assignedAt >= current.assignedAt) {
        active.set(shortName, {
          runId: run.runId,
          taskId: task.taskId,
          uniqueKey: task.workerInfo.unique_key,
          workerName: workerName(task.workerInfo),
          lastSeen: Math.max(task.lastUpdated, lastBeatAt?.(run.runId, task.taskId) ?? -Infinity),
          assignedAt: task.assignedAt,
        });
      }
    }
  }
  return {
    activeTaskOf: (shortName) => active.get(shortName),
    connectionsFrom: (remoteAddr) => connections.get(remoteAddr) ?? 0,
    historyOf: (shortName) => history.get(shortName),
  };
};
