/**
 * Time controls: `[moves/]base[+increment]` in seconds, e.g. "10+0.1", "40/60", "60+0.6".
 * Upstream's `tc` schema, full match.
 */
export const TIME_CONTROL_PATTERN = /^([1-9]\d*\/)?\d+(\.\d+)?(\+\d+(\.\d+)?)?$/;

export const isTimeControl = (value: string): boolean => TIME_CONTROL_PATTERN.test(value);

/** Games end early on average: both clocks are assumed 92% used over 68 moves. */
const GAME_MOVES = 68;
const CLOCK_SCALE = 2 * 0.92;

/** Expected wall time of one game at this time control, in seconds ("10+0.1" → 30.912). */
export const estimateGameDuration = (tc: string): number => {
  const plusParts = tc.split('+');
  const increment = plusParts.length === 2 ? Number(plusParts[1]) : 0;
  const slashParts = (plusParts[0] ?? '').split('/');
  const moves = slashParts.length === 2 ? Math.trunc(Number(slashParts[0])) : 0;
  const clock = slashParts[slashParts.length - 1] ?? '';
  const colonParts = clock.split(':');
  let base = colonParts.length === 2 ? Number(colonParts[0]) * 60 + Number(colonParts[1]) : Number(colonParts[0]);
  if (moves > 0) base = base * (GAME_MOVES / moves);
  return (base + increment * GAME_MOVES) * CLOCK_SCALE;
};

export const STC_REFERENCE = '10+0.1';

/**
 * How much longer than a one-thread 10+0.1 game a game of this run takes in CPU time
 * (LTC 60+0.6 ≈ 6, SMP-STC 5+0.05 with 8 threads ≈ 4). A bad thread count counts as 1.
 */
export const tcRatio = (tc: string, threads: number = 1): number => {
  const threadFactor = Number.isFinite(threads) && threads > 0 ? threads : 1;
  return (threadFactor * estimateGameDuration(tc)) / estimateGameDuration(STC_REFERENCE);
};

/** The leading number of the tc string (kept on the run for the LTC index). */
export const tcBase = (tc: string): number => {
  const match = /^(\d+(\.\d+)?)/.exec(tc);
  return match ? Number(match[1]) : 0;
};

/** SPRT batch in game pairs: 16 pairs at STC, scaled down for longer games, at least 1. */
export const sprtBatchSizePairs = (tc: string, threads: number): number =>
  Math.max(1, Math.trunc(0.5 + 16 / tcRatio(tc, threads)));
