import { eloFromScore } from './elo-transforms.js';
import { divide, sqrt, square, sumFloats, sumMixedCounts } from './float-arithmetic.js';
import { normalCdf, normalQuantile } from './normal-distribution.js';
import { regularize, type Frequencies } from './results.js';

export interface PerGameStatistics {
  readonly games: number;
  /** Mean score per game. */
  readonly mean: number;
  /** Variance of the score of one game (from pairs for a pentanomial). */
  readonly variance: number;
}

/** Per-game mean and variance of trinomial or pentanomial counts (not regularized here). */
export const perGameStatistics = (frequencies: Frequencies): PerGameStatistics => {
  const cells = frequencies.length;
  const games = (sumMixedCounts(frequencies) * (cells - 1)) / 2;
  const mean = divide(sumFloats(frequencies.map((count, index) => count * (index / 2))), games);
  const pairMean = ((cells - 1) / 2) * mean;
  const variance = divide(sumFloats(frequencies.map((count, index) => count * square(index / 2 - pairMean))), games);
  return { games, mean, variance };
};

export interface FixedGamesElo {
  /** Logistic Elo of the mean score. */
  readonly elo: number;
  /** Half-width of the 95% confidence interval, in Elo. */
  readonly elo95: number;
  /** Likelihood of superiority, Φ((mean − ½)/standard error). */
  readonly los: number;
}

const Z_LOWER_95 = normalQuantile(0.025);
const Z_UPPER_95 = normalQuantile(0.975);

/** Elo, 95% half-width and LOS of a fixed-length run (upstream `get_elo`), on regularized counts. */
export const fixedGamesElo = (frequencies: Frequencies): FixedGamesElo => {
  const { games, mean, variance } = perGameStatistics(regularize(frequencies));
  const stdev = sqrt(variance);
  const scoreLow = mean + (Z_LOWER_95 * stdev) / Math.sqrt(games);
  const scoreHigh = mean + (Z_UPPER_95 * stdev) / Math.sqrt(games);
  return {
    elo: eloFromScore(mean),
    elo95: (eloFromScore(scoreHigh) - eloFromScore(scoreLow)) / 2,
    los: normalCdf(divide(mean - 0.5, stdev / Math.sqrt(games))),
  };
};
