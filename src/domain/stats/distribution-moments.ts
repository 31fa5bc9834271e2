import { abort } from './failure.js';
import { divide, power, square, sumFloats } from './float-arithmetic.js';
import type { Distribution } from './results.js';

const PROBABILITY_SLACK = 1e-3;

export interface Moments {
  readonly mean: number;
  readonly variance: number;
}

export interface ExtendedMoments extends Moments {
  readonly skewness: number;
  readonly excessKurtosis: number;
}

/** Mean and variance of a distribution, with upstream's sanity checks on the probabilities. */
export const momentsOf = (distribution: Distribution): Moments => {
  for (const [, probability] of distribution) {
    if (!(-PROBABILITY_SLACK <= probability && probability <= 1 + PROBABILITY_SLACK)) {
      abort('invalid-distribution', `probability ${probability} outside [0, 1]`);
    }
  }
  const total = sumFloats(distribution.map(([, probability]) => probability));
  if (!(Math.abs(total - 1) < PROBABILITY_SLACK)) abort('invalid-distribution', `probabilities add up to ${total}`);
  const mean = sumFloats(distribution.map(([value, probability]) => probability * value));
  const variance = sumFloats(distribution.map(([value, probability]) => probability * square(value - mean)));
  return { mean, variance };
};

/** Mean, variance, skewness and excess kurtosis. */
export const extendedMomentsOf = (distribution: Distribution): ExtendedMoments => {
  const { mean, variance } = momentsOf(distribution);
  const m3 = sumFloats(distribution.map(([value, probability]) => probability * power(value - mean, 3)));
  const m4 = sumFloats(distribution.map(([value, probability]) => probability * power(value - mean, 4)));
  return {
    mean,
    variance,
    skewness: divide(m3, power(variance, 1.5)),
    excessKurtosis: divide(m4, power(variance, 2)) - 3,
  };
};
