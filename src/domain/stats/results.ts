import { abort } from './failure.js';
import { sumMixedCounts } from './float-arithmetic.js';

/** Game counts as [losses, draws, wins]. */
export type Trinomial = readonly [number, number, number];

/**
 * Game-pair counts by pair score, low to high: [LL, LD+DL, LW+DD+WL, DW+WD, WW]. One "sample"
 * of the pentanomial is a pair of games.
 */
export type Pentanomial = readonly [number, number, number, number, number];

/** Either distribution; everything in this module accepts both. */
export type Frequencies = Trinomial | Pentanomial;

/** A run's aggregated results, as stored on the run. */
export interface GameResults {
  readonly wins: number;
  readonly losses: number;
  readonly draws: number;
  readonly pentanomial?: Pentanomial;
}

/** A discrete distribution as (value, probability) points, values ascending. */
export type Distribution = readonly (readonly [value: number, probability: number])[];

/** The weight that replaces an empty cell, so that every outcome keeps some mass. */
export const REGULARIZATION_EPSILON = 1e-3;

export const trinomialOf = (results: GameResults): Trinomial => [results.losses, results.draws, results.wins];

/** The pentanomial when the run has one, the trinomial otherwise (what the SPRT samples). */
export const samplesOf = (results: GameResults): Frequencies => results.pentanomial ?? trinomialOf(results);

export const isValidFrequencies = (frequencies: readonly number[]): frequencies is Frequencies =>
  (frequencies.length === 3 || frequencies.length === 5) &&
  frequencies.every((count) => Number.isFinite(count) && count >= 0);

export const assertValidFrequencies = (frequencies: readonly number[]): Frequencies =>
  isValidFrequencies(frequencies)
    ? frequencies
    : abort('invalid-input', `expected 3 or 5 finite non-negative counts, got [${frequencies.join(', ')}]`);

export const assertValidResults = (results: GameResults): GameResults => {
  assertValidFrequencies(trinomialOf(results));
  if (results.pentanomial !== undefined) assertValidFrequencies(results.pentanomial);
  return results;
};

/** Replaces every zero count by `REGULARIZATION_EPSILON`. */
export const regularize = <F extends Frequencies>(frequencies: F): F =>
  frequencies.map((count) => (count === 0 ? REGULARIZATION_EPSILON : count)) as unknown as F;

/** Σ of the regularized counts, summed the way upstream's Python does it (see float-arithmetic). */
export const regularizedTotal = (frequencies: Frequencies): number => sumMixedCounts(regularize(frequencies));

/**
 * The empirical distribution of per-sample scores: value i/(k−1) for cell i of k, i.e. the
 * game score for a trinomial and half the pair score for a pentanomial. Returns the regularized
 * sample count N alongside.
 */
export const resultsToDistribution = (frequencies: Frequencies): { readonly samples: number; readonly distribution: Distribution } => {
  const samples = regularizedTotal(frequencies);
  const cells = frequencies.length;
  const distribution = frequencies.map(
    (count, index) => [index / (cells - 1), (count === 0 ? REGULARIZATION_EPSILON : count) / samples] as const,
  );
  return { samples, distribution };
};

/** Σ counts, exact for integer counts (used for batch bookkeeping). */
export const totalCount = (frequencies: readonly number[]): number => frequencies.reduce((total, count) => total + count, 0);
