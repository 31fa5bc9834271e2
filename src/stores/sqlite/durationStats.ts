/**
 * Counts of how long a repeated operation took (an fsync, say), cumulative since start: readers
 * that want a period subtract two snapshots.
 */
export interface DurationStats {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Threshold in ms → how many took longer. */
  slowerThanMs: Record<string, number>;
}

export interface DurationRecorder {
  record(ms: number): void;
  snapshot(): DurationStats;
}

export const SLOW_THRESHOLDS_MS = [10, 50, 100, 250, 1_000] as const;

export const createDurationRecorder = (thresholdsMs: readonly number[] = SLOW_THRESHOLDS_MS): DurationRecorder => {
  let count = 0;
  let totalMs = 0;
  let maxMs = 0;
  const slower = thresholdsMs.map(() => 0);
  return {
    record(ms) {
      count += 1;
      totalMs += ms;
      if (ms > maxMs) maxMs = ms;
      thresholdsMs.forEach((threshold, index) => {
        if (ms > threshold) slower[index] = (slower[index] ?? 0) + 1;
      });
    },
    snapshot: () => ({
      count,
      totalMs: Math.round(totalMs * 1000) / 1000,
      maxMs: Math.round(maxMs * 1000) / 1000,
      slowerThanMs: Object.fromEntries(thresholdsMs.map((threshold, index) => [String(threshold), slower[index] ?? 0])),
    }),
  };
};
