import { abort } from './failure.js';
import { divide, log, log10, power, sumFloats, sumMixedCounts } from './float-arithmetic.js';
import { eloFromScore, logisticScoreOrAbort } from './elo-transforms.js';
import { regularize, type Trinomial } from './results.js';

/*
 * The legacy BayesElo model: win and loss probabilities depend on the Elo difference and a
 * "drawelo" that sets the draw rate. Upstream estimates drawelo out of sample from the results.
 */

/** Outcome probabilities as [loss, draw, win]. */
export type OutcomeProbabilities = readonly [loss: number, draw: number, win: number];

export interface BayesEloPair {
  readonly elo: number;
  readonly drawElo: number;
}

export const bayesEloToProbabilities = (elo: number, drawElo: number): OutcomeProbabilities => {
  const win = divide(1, 1 + power(10, (-elo + drawElo) / 400));
  const loss = divide(1, 1 + power(10, (elo + drawElo) / 400));
  return [loss, 1 - win - loss, win];
};

export const probabilitiesToBayesElo = ([loss, , win]: OutcomeProbabilities): BayesEloPair => {
  if (!(0 < win && win < 1 && 0 < loss && loss < 1)) {
    abort('probability-out-of-range', `win ${win} and loss ${loss} must both lie in (0, 1)`);
  }
  return {
    elo: 200 * log10(((win / loss) * (1 - loss)) / (1 - win)),
    drawElo: 200 * log10((((1 - loss) / loss) * (1 - win)) / win),
  };
};

/** drawelo estimated from trinomial counts [losses, draws, wins] (not regularized here). */
export const drawEloOf = (trinomial: Trinomial): number => {
  const total = sumMixedCounts(trinomial);
  const probabilities = trinomial.map((count) => divide(count, total)) as unknown as OutcomeProbabilities;
  return probabilitiesToBayesElo(probabilities).drawElo;
};

/** drawelo of the regularized trinomial, as the SPRT code estimates it. */
export const drawEloOfRegularized = (trinomial: Trinomial): number => drawEloOf(regularize(trinomial));

/** Logistic Elo equivalent of a BayesElo difference at the given drawelo. */
export const bayesEloToLogisticElo = (bayesElo: number, drawElo: number): number => {
  const [, draw, win] = bayesEloToProbabilities(bayesElo, drawElo);
  return eloFromScore(win + 0.5 * draw);
};

/**
 * BayesElo pair whose model reproduces the logistic Elo `elo` at the given draw ratio. Fails
 * with 'probability-out-of-range' where upstream returns (NaN, NaN): no such pair exists.
 */
export const logisticEloToBayesElo = (elo: number, drawRatio: number): BayesEloPair => {
  if (!(drawRatio >= 0)) abort('invalid-input', `draw ratio ${drawRatio} is negative`);
  const score = logisticScoreOrAbort(elo);
  const win = score - drawRatio / 2;
  const loss = 1 - drawRatio - win;
  if (loss <= 0 || win <= 0) {
    return abort('probability-out-of-range', `no BayesElo model gives score ${score} with draw ratio ${drawRatio}`);
  }
  return probabilitiesToBayesElo([loss, drawRatio, win]);
};

/**
 * Log-likelihood ratio of the legacy BayesElo SPRT (trinomial only), drawelo estimated from
 * the same, unregularized, counts.
 */
export const llrBayesEloLegacy = (bayesElo0: number, bayesElo1: number, trinomial: Trinomial): number => {
  const drawElo = drawEloOf(trinomial);
  const h0 = bayesEloToProbabilities(bayesElo0, drawElo);
  const h1 = bayesEloToProbabilities(bayesElo1, drawElo);
  return sumFloats(trinomial.map((count, index) => count * log(divide(h1[index] ?? NaN, h0[index] ?? NaN))));
};
