import { formatPercent } from '../shared/python-format.js';
import { countGames, type Results } from '../shared/results.js';

/** A task crashed more than 3 times, or lost more than 10% of over 20 games on time. */
export const isCrashOrTime = (stats: Results): boolean => {
  const games = countGames(stats);
  return stats.crashes > 3 || (games > 20 && stats.time_losses / games > 0.1);
};

/**
 * Upstream `handle_crash_or_time`: the audit text "Time losses:N(x.x%) Crashes:M(y.y%)" when
 * the task deserves one (it must have played at least one game).
 */
export const crashOrTimeMessage = (stats: Results): string | undefined => {
  if (!isCrashOrTime(stats)) return undefined;
  const games = countGames(stats);
  if (games === 0) return undefined;
  return (
    `Time losses:${stats.time_losses}(${formatPercent(stats.time_losses / games, 1)}) ` +
    `Crashes:${stats.crashes}(${formatPercent(stats.crashes / games, 1)})`
  );
};
