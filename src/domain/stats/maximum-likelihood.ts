import { findRootBrent } from './brent-root.js';
import { abort } from './failure.js';
import { divide, sqrt, square, sumFloats } from './float-arithmetic.js';
import { momentsOf } from './distribution-moments.js';
import type { Distribution } from './results.js';

/*
 * Maximum-likelihood distributions on the support of an empirical distribution under a
 * constraint on the mean (logistic model) or on the t-value (normalized model). Both reduce to
 * the "secular equation" Σ pᵢ·aᵢ/(1 + x·aᵢ) = 0 for shifted support points aᵢ.
 */

const POLE_MARGIN = 1e-9;

/** Root x of Σ pᵢ·aᵢ/(1 + x·aᵢ) = 0 between the poles −1/max(a) and −1/min(a). */
export const solveSecularEquation = (distribution: Distribution): number => {
  const values = distribution.map(([value]) => value);
  const smallest = Math.min(...values);
  const largest = Math.max(...values);
  if (!(smallest * largest < 0)) {
    return abort('secular-no-straddle', 'secular equation requires support straddling zero');
  }
  const secular = (x: number): number =>
    sumFloats(distribution.map(([value, probability]) => divide(probability * value, 1 + x * value)));
  const outcome = findRootBrent(secular, -1 / largest + POLE_MARGIN, -1 / smallest - POLE_MARGIN);
  switch (outcome.kind) {
    case 'not-bracketed':
      return abort('root-not-bracketed', 'secular equation: f(a) and f(b) must have different signs');
    case 'nan':
      return abort('root-nan', `secular equation is NaN at ${outcome.at}`);
    case 'root':
      return outcome.converged ? outcome.x : abort('root-not-converged', 'secular root finding did not converge');
  }
};

/** The distribution on the same support that maximizes the likelihood of the data and has mean `mean`. */
export const mleWithMean = (empirical: Distribution, mean: number): Distribution => {
  const x = solveSecularEquation(empirical.map(([value, probability]) => [value - mean, probability] as const));
  const mle = empirical.map(([value, probability]) => [value, divide(probability, 1 + x * (value - mean))] as const);
  const achieved = momentsOf(mle).mean;
  if (!(Math.abs(mean - achieved) < 1e-6)) abort('mle-check-failed', `MLE mean ${achieved} instead of ${mean}`);
  return mle;
};

const T_VALUE_ITERATIONS = 10;
const T_VALUE_CONVERGENCE = 1e-9;

/**
 * The distribution on the same support that maximizes the likelihood of the data and has
 * t-value (mean − reference)/σ equal to `tValue`: a fixed-point iteration (at most ten steps)
 * of secular equations, starting from the uniform distribution.
 */
export const mleWithTValue = (empirical: Distribution, reference: number, tValue: number): Distribution => {
  let mle: Distribution = empirical.map(([value]) => [value, 1 / empirical.length] as const);
  for (let iteration = 0; iteration < T_VALUE_ITERATIONS; iteration++) {
    const previous = mle;
    const { mean, variance } = momentsOf(mle);
    const sigma = sqrt(variance);
    const shifted = empirical.map(
      ([value, probability]) =>
        [value - reference - (tValue * sigma * (1 + square(divide(mean - value, sigma)))) / 2, probability] as const,
    );
    const x = solveSecularEquation(shifted);
    mle = empirical.map(([value, probability], index) => [value, divide(probability, 1 + x * (shifted[index]?.[0] ?? NaN))] as const);
    const change = Math.max(...mle.map(([, probability], index) => Math.abs((previous[index]?.[1] ?? NaN) - probability)));
    if (change < T_VALUE_CONVERGENCE) break;
  }
  const { mean, variance } = momentsOf(mle);
  const achieved = divide(mean - reference, sqrt(variance));
  if (!(Math.abs(tValue - achieved) < 1e-5)) abort('mle-check-failed', `MLE t-value ${achieved} instead of ${tValue}`);
  return mle;
};
