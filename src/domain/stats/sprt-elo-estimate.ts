import { drawEloOfRegularized, bayesEloToLogisticElo } from './bayes-elo.js';
import { brownianOutcomeProbability } from './brownian-exit.js';
import { findRootBrent } from './brent-root.js';
import { momentsOf } from './distribution-moments.js';
import { logisticScoreOrAbort, tValueFromNormalizedElo } from './elo-transforms.js';
import { abort } from './failure.js';
import { divide, log, sqrt } from './float-arithmetic.js';
import { llrDriftVarianceAlternative2, llrLogistic, llrNormalized } from './log-likelihood-ratio.js';
import { regularize, resultsToDistribution, trinomialOf, type Distribution, type Frequencies, type GameResults } from './results.js';
import type { EloModel } from './sprt-state.js';

/*
 * Median-unbiased Elo estimate, confidence interval and LOS of an SPRT run (upstream
 * `stat_util.SPRT_elo` and `sprt.sprt`). The LLR is modelled as a Brownian motion between the
 * bounds; the estimate is the Elo for which the observed stopping point is the median outcome.
 * The estimates are logistic Elo whatever the model of the bounds, and are only meaningful for
 * small Elo differences.
 */

export interface SprtEloEstimate {
  /** Lower LLR bound ln(β/(1−α)). */
  readonly a: number;
  /** Upper LLR bound ln((1−β)/α). */
  readonly b: number;
  readonly elo: number;
  readonly ci: readonly [lower: number, upper: number];
  readonly LOS: number;
  /** The exact GSPRT LLR, as stored by the SPRT. */
  readonly LLR: number;
}

export interface SprtEloParameters {
  readonly alpha?: number;
  readonly beta?: number;
  /** 1 − confidence level of the interval. */
  readonly p?: number;
  readonly elo0: number;
  readonly elo1: number;
  readonly eloModel: EloModel;
}

interface Estimator {
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly distribution: Distribution;
  readonly s0: number;
  readonly s1: number;
  /** Observed (or, when beyond a bound, extrapolated) stopping point of the LLR path. */
  readonly stopTime: number;
  readonly stopLlr: number;
}

const createEstimator = (
  alpha: number,
  beta: number,
  elo0: number,
  elo1: number,
  eloModel: 'logistic' | 'normalized',
  frequencies: Frequencies,
): Estimator => {
  const lowerBound = log(divide(beta, 1 - alpha));
  const upperBound = log(divide(1 - beta, alpha));
  const { samples, distribution } = resultsToDistribution(frequencies);
  let eloToScore = logisticScoreOrAbort;
  if (eloModel === 'normalized') {
    const { variance } = momentsOf(distribution);
    const sigmaPerGame = frequencies.length === 5 ? sqrt(2 * variance) : sqrt(variance);
    eloToScore = (elo) => tValueFromNormalizedElo(elo) * sigmaPerGame + 0.5;
  }
  const s0 = eloToScore(elo0);
  const s1 = eloToScore(elo1);
  const { drift } = llrDriftVarianceAlternative2(distribution, s0, s1);
  let stopLlr = samples * drift;
  let stopTime = samples;
  const slope = divide(stopLlr, samples);
  if (stopLlr < lowerBound) {
    stopTime = divide(lowerBound, slope);
    stopLlr = lowerBound;
  } else if (stopLlr > upperBound) {
    stopTime = divide(upperBound, slope);
    stopLlr = upperBound;
  }
  return { lowerBound, upperBound, distribution, s0, s1, stopTime, stopLlr };
};

/** Probability that a test of true logistic Elo `elo` ends worse than observed. */
const outcomeProbability = (estimator: Estimator, elo: number): number => {
  const score = logisticScoreOrAbort(elo);
  const { drift, variance } = llrDriftVarianceAlternative2(estimator.distribution, estimator.s0, estimator.s1, score);
  return brownianOutcomeProbability(
    { lower: estimator.lowerBound, upper: estimator.upperBound, drift, sigma: sqrt(variance) },
    estimator.stopTime,
    estimator.stopLlr,
  );
};

const SEARCH_CLAMP = 1000;

/** Largest Elo for which the observed outcome has probability below `p` (Brent on a widening bracket). */
const eloBound = (estimator: Estimator, elo0: number, elo1: number, p: number): number => {
  const center = (elo0 + elo1) / 2;
  const width = elo1 - elo0;
  const target = 1 - p;
  const excess = (elo: number): number => outcomeProbability(estimator, elo) - target;
  for (let multiple = 30; ; multiple *= 2) {
    // Upstream's integer multiple grows without limit and finally overflows converting to float.
    if (!Number.isFinite(multiple)) return abort('overflow', 'Elo search bracket overflowed');
    const low = Math.max(center - multiple * width, -SEARCH_CLAMP);
    const high = Math.min(center + multiple * width, SEARCH_CLAMP);
    const outcome = findRootBrent(excess, low, high);
    if (outcome.kind === 'root') {
      return outcome.converged ? outcome.x : abort('root-not-converged', 'Elo bound search did not converge');
    }
    if (low > -SEARCH_CLAMP || high < SEARCH_CLAMP) continue;
    return excess(low) > 0 ? high : low;
  }
};

/** Elo estimate, confidence interval and LOS of an SPRT run; the LLR is the exact GSPRT one. */
export const estimateSprtElo = (results: GameResults, parameters: SprtEloParameters): SprtEloEstimate => {
  const { alpha = 0.05, beta = 0.05, p = 0.05, eloModel } = parameters;
  let { elo0, elo1 } = parameters;
  const trinomial = regularize(trinomialOf(results));
  const drawElo = drawEloOfRegularized(trinomial);
  let model: 'logistic' | 'normalized';
  if (eloModel === 'BayesElo') {
    elo0 = bayesEloToLogisticElo(elo0, drawElo);
    elo1 = bayesEloToLogisticElo(elo1, drawElo);
    model = 'logistic';
  } else if (eloModel === 'logistic' || eloModel === 'normalized') {
    model = eloModel;
  } else {
    return abort('invalid-input', `unknown Elo model ${String(eloModel)}`);
  }
  const samples = results.pentanomial ?? trinomial;
  const estimator = createEstimator(alpha, beta, elo0, elo1, model, samples);
  const elo = eloBound(estimator, elo0, elo1, 0.5);
  const ciLower = eloBound(estimator, elo0, elo1, p / 2);
  const ciUpper = eloBound(estimator, elo0, elo1, 1 - p / 2);
  const LOS = outcomeProbability(estimator, 0);
  const LLR = model === 'logistic' ? llrLogistic(elo0, elo1, samples) : llrNormalized(elo0, elo1, samples);
  return { a: estimator.lowerBound, b: estimator.upperBound, elo, ci: [ciLower, ciUpper], LOS, LLR };
};
