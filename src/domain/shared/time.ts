/** Instants are epoch milliseconds in memory and ISO-8601 strings inside events. */
export type EpochMs = number;

export const MS_PER_SECOND = 1000;
export const MS_PER_DAY = 86_400_000;

export const toIso = (at: EpochMs): string => new Date(at).toISOString();

export const fromIso = (iso: string): EpochMs => Date.parse(iso);

/** Python's `timedelta.days` of `later − earlier`: whole days, rounded towards −∞. */
export const elapsedWholeDays = (earlier: EpochMs, later: EpochMs): number => Math.floor((later - earlier) / MS_PER_DAY);

/**
 * Python's `timedelta.seconds` of `later − earlier`: the seconds part of the normalised delta
 * (0 ≤ s < 86400), which is what upstream compares against its 120 s duplicate-worker window.
 */
export const timedeltaSecondsField = (earlier: EpochMs, later: EpochMs): number => {
  const seconds = Math.floor((later - earlier) / MS_PER_SECOND);
  return ((seconds % 86_400) + 86_400) % 86_400;
};
