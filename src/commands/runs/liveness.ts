import type { EpochMs } from '../../domain/shared/time.js';

/**
 * Heartbeats are liveness, not history: the last beat (or retried update) of each active task,
 * in memory only. After a restart the map is empty and `since` (the start) stands in for every
 * task, so each active task gets a fresh grace period before the scavenger may declare it dead.
 */
export interface Liveness {
  touch(runId: string, taskId: number, at: EpochMs): void;
  lastBeat(runId: string, taskId: number): EpochMs | undefined;
  /** The last sign of life this process saw, or when it started. */
  lastSeen(runId: string, taskId: number): EpochMs;
  forget(runId: string, taskId: number): void;
  size(): number;
}

export const createLiveness = (since: EpochMs): Liveness => {
  const beats = new Map<string, EpochMs>();
  const key = (runId: string, taskId: number): string => `${runId}/${taskId}`;
  return {
    touch(runId, taskId, at) {
      const k = key(runId, taskId);
      if ((beats.get(k) ?? -Infinity) < at) beats.set(k, at);
    },
    lastBeat: (runId, taskId) => beats.get(key(runId, taskId)),
    lastSeen: (runId, taskId) => Math.max(since, beats.get(key(runId, taskId)) ?? -Infinity),
    forget: (runId, taskId) => void beats.delete(key(runId, taskId)),
    size: () => beats.size,
  };
};
