import { momentsOf } from './distribution-moments.js';
import { logisticScoreOrAbort, tValueFromNormalizedElo } from './elo-transforms.js';
import { divide, log, sqrt, square, sumFloats } from './float-arithmetic.js';
import { mleWithMean, mleWithTValue } from './maximum-likelihood.js';
import { resultsToDistribution, type Distribution, type Frequencies } from './results.js';

/*
 * Generalized SPRT log-likelihood ratios (GSPRT): the LLR of the MLE under H1 against the MLE
 * under H0, per sample, then scaled by the number of samples (games for a trinomial, game pairs
 * for a pentanomial).
 */

export type LlrStatistic =
  | { readonly kind: 'expectation' }
  | { readonly kind: 't-value'; readonly reference: number };

const mleUnder = (distribution: Distribution, statistic: LlrStatistic, target: number): Distribution =>
  statistic.kind === 'expectation' ? mleWithMean(distribution, target) : mleWithTValue(distribution, statistic.reference, target);

/** Per-outcome LLR increments ln p₁ᵢ − ln p₀ᵢ, paired with the empirical probability of the outcome. */
export const llrJumps = (distribution: Distribution, h0: number, h1: number, statistic: LlrStatistic): Distribution => {
  const mle0 = mleUnder(distribution, statistic, h0);
  const mle1 = mleUnder(distribution, statistic, h1);
  return distribution.map(
    ([, probability], index) => [log(mle1[index]?.[1] ?? NaN) - log(mle0[index]?.[1] ?? NaN), probability] as const,
  );
};

/** The generalized LLR divided by the number of samples. */
export const llrPerSample = (distribution: Distribution, h0: number, h1: number, statistic: LlrStatistic): number =>
  momentsOf(llrJumps(distribution, h0, h1, statistic)).mean;

/** GSPRT LLR for H0: elo = elo0 against H1: elo = elo1, in logistic Elo (statistic: expected score). */
export const llrLogistic = (elo0: number, elo1: number, frequencies: Frequencies): number => {
  const s0 = logisticScoreOrAbort(elo0);
  const s1 = logisticScoreOrAbort(elo1);
  const { samples, distribution } = resultsToDistribution(frequencies);
  return samples * llrPerSample(distribution, s0, s1, { kind: 'expectation' });
};

/**
 * GSPRT LLR in normalized Elo (statistic: t-value). A pentanomial sample is a game pair, whose
 * t-value is √2 times the per-game one.
 */
export const llrNormalized = (nelo0: number, nelo1: number, frequencies: Frequencies): number => {
  const perSampleScale = frequencies.length === 5 ? Math.SQRT2 : 1;
  const t0 = tValueFromNormalizedElo(nelo0) * perSampleScale;
  const t1 = tValueFromNormalizedElo(nelo1) * perSampleScale;
  const { samples, distribution } = resultsToDistribution(frequencies);
  return samples * llrPerSample(distribution, t0, t1, { kind: 't-value', reference: 0.5 });
};

/** Approximate per-sample LLR ½·ln(r₀/r₁), rⱼ = Σ p·(a − sⱼ)². */
export const llrAlternative = (distribution: Distribution, s0: number, s1: number): number => {
  const spread = (s: number): number => sumFloats(distribution.map(([value, probability]) => probability * square(value - s)));
  return 0.5 * log(divide(spread(s0), spread(s1)));
};

/** Approximate per-sample LLR (s₁ − s₀)(2s − s₀ − s₁)/(2·var). */
export const llrAlternative2 = (distribution: Distribution, s0: number, s1: number): number => {
  const { mean, variance } = momentsOf(distribution);
  return divide((s1 - s0) * (2 * mean - s0 - s1), variance) / 2;
};

export interface LlrDriftVariance {
  readonly drift: number;
  readonly variance: number;
}

/**
 * Drift and variance per sample of the approximate LLR when the true expected score is
 * `trueScore` (the empirical mean when omitted), the variance being the empirical one.
 */
export const llrDriftVarianceAlternative2 = (
  distribution: Distribution,
  s0: number,
  s1: number,
  trueScore?: number,
): LlrDriftVariance => {
  const moments = momentsOf(distribution);
  const s = trueScore ?? moments.mean;
  return {
    drift: divide((s - (s0 + s1) / 2) * (s1 - s0), moments.variance),
    variance: divide(square(s1 - s0), moments.variance),
  };
};

/** Approximate normalized-Elo LLR (games/2)·ln((1 + (t − t₀)²)/(1 + (t − t₁)²)), t per game. */
export const llrNormalizedAlternative = (nelo0: number, nelo1: number, frequencies: Frequencies): number => {
  const { samples, distribution } = resultsToDistribution(frequencies);
  const { mean, variance } = momentsOf(distribution);
  const pentanomial = frequencies.length === 5;
  const sigmaPerGame = pentanomial ? sqrt(2 * variance) : sqrt(variance);
  const games = pentanomial ? 2 * samples : samples;
  const nt0 = tValueFromNormalizedElo(nelo0);
  const nt1 = tValueFromNormalizedElo(nelo1);
  const nt = divide(mean - 0.5, sigmaPerGame);
  return (games / 2) * log(divide(1 + (nt - nt0) * (nt - nt0), 1 + (nt - nt1) * (nt - nt1)));
};
