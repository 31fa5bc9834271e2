/**
 * Game results of a task or a run, in the exact shape of Fishtest's `results_schema` (the
 * worker sends it and receives it back in `my_task.stats`, so the field names are the wire's).
 */
export type Pentanomial = readonly [number, number, number, number, number];

export interface Results {
  readonly wins: number;
  readonly losses: number;
  readonly draws: number;
  readonly crashes: number;
  readonly time_losses: number;
  /** Game-pair counts by pair score: [LL, LD+DL, LW+DD+WL, DW+WD, WW]. */
  readonly pentanomial: Pentanomial;
}

export const ZERO_RESULTS: Results = Object.freeze({
  wins: 0,
  losses: 0,
  draws: 0,
  crashes: 0,
  time_losses: 0,
  pentanomial: Object.freeze([0, 0, 0, 0, 0]) as unknown as Pentanomial,
});

export const countGames = (results: Pick<Results, 'wins' | 'losses' | 'draws'>): number =>
  results.wins + results.losses + results.draws;

const combine = (a: Results, b: Results, sign: 1 | -1): Results => ({
  wins: a.wins + sign * b.wins,
  losses: a.losses + sign * b.losses,
  draws: a.draws + sign * b.draws,
  crashes: a.crashes + sign * b.crashes,
  time_losses: a.time_losses + sign * b.time_losses,
  pentanomial: [
    a.pentanomial[0] + sign * b.pentanomial[0],
    a.pentanomial[1] + sign * b.pentanomial[1],
    a.pentanomial[2] + sign * b.pentanomial[2],
    a.pentanomial[3] + sign * b.pentanomial[3],
    a.pentanomial[4] + sign * b.pentanomial[4],
  ],
});

export const addResults = (a: Results, b: Results): Results => combine(a, b, 1);

export const subtractResults = (a: Results, b: Results): Results => combine(a, b, -1);

export const sumResults = (all: Iterable<Results>): Results => {
  let total = ZERO_RESULTS;
  for (const results of all) total = addResults(total, results);
  return total;
};

export const resultsEqual = (a: Results, b: Results): boolean =>
  a.wins === b.wins &&
  a.losses === b.losses &&
  a.draws === b.draws &&
  a.crashes === b.crashes &&
  a.time_losses === b.time_losses &&
  a.pentanomial.every((count, index) => count === b.pentanomial[index]);

const isUint = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * `results_schema`: non-negative integer counts that agree with the pentanomial
 * (L+D+W = 2·Σp; W−L = 2p4 + p3 − p1 − 2p0; p3 + 2p2 + p1 ≥ D ≥ p3 + p1).
 */
export const isValidResults = (value: unknown): value is Results => {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const p = r['pentanomial'];
  if (!Array.isArray(p) || p.length !== 5 || !p.every(isUint)) return false;
  if (!['wins', 'losses', 'draws', 'crashes', 'time_losses'].every((key) => isUint(r[key]))) return false;
  const [p0, p1, p2, p3, p4] = p as unknown as Pentanomial;
  const { wins, losses, draws } = r as unknown as Results;
  return (
    wins + losses + draws === 2 * (p0 + p1 + p2 + p3 + p4) &&
    wins - losses === 2 * p4 + p3 - p1 - 2 * p0 &&
    p3 + 2 * p2 + p1 >= draws &&
    draws >= p3 + p1
  );
};

/** A copy holding only the schema's keys (the worker may not add any, but be safe). */
export const normaliseResults = (results: Results): Results => ({
  wins: results.wins,
  losses: results.losses,
  draws: results.draws,
  crashes: results.crashes,
  time_losses: results.time_losses,
  pentanomial: [...results.pentanomial] as unknown as Pentanomial,
});
