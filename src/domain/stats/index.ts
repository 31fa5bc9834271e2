/*
 * Public entry point of the run statistics. Every function here is pure and total: failures
 * come back as `StatsResult` values, never as exceptions. The other files of this folder are
 * internal; they signal failures by throwing `StatsAbort`, which only the wrappers below catch.
 */
import * as bayes from './bayes-elo.js';
import * as moments from './distribution-moments.js';
import { attempt, type StatsResult } from './failure.js';
import * as fixedGames from './fixed-games-elo.js';
import * as llr from './log-likelihood-ratio.js';
import * as mle from './maximum-likelihood.js';
import { assertValidFrequencies, assertValidResults, type Distribution, type Frequencies, type GameResults, type Trinomial } from './results.js';
import { estimateSprtElo, type SprtEloEstimate, type SprtEloParameters } from './sprt-elo-estimate.js';
import { brownianOutcomeProbability, type BrownianMotion } from './brownian-exit.js';

export type { StatsFailure, StatsFailureCode, StatsResult } from './failure.js';
export type { Distribution, Frequencies, GameResults, Pentanomial, Trinomial } from './results.js';
export type { Moments, ExtendedMoments } from './distribution-moments.js';
export type { FixedGamesElo, PerGameStatistics } from './fixed-games-elo.js';
export type { BayesEloPair, OutcomeProbabilities } from './bayes-elo.js';
export type { LlrDriftVariance } from './log-likelihood-ratio.js';
export type { SprtEloEstimate, SprtEloParameters } from './sprt-elo-estimate.js';
export type { SprtOvershoot } from './sprt-overshoot.js';
export type { BrownianMotion } from './brownian-exit.js';
export type { CalcEloOutcome, CalcEloParameters, FixedGamesEloBody } from './calc-elo.js';

// Total functions (no failure mode on finite input).
export { NELO_PER_T_VALUE, eloFromScore, logisticScore, normalizedEloFromTValue, tValueFromNormalizedElo } from './elo-transforms.js';
export { normalCdf, normalQuantile } from './normal-distribution.js';
export { REGULARIZATION_EPSILON, regularize, resultsToDistribution, samplesOf, trinomialOf } from './results.js';
export { createSprt, sprtBatchSizePairs, updateSprt, ELO_MODELS } from './sprt-state.js';
export type { EloModel, Sprt, SprtDecision, SprtDesign } from './sprt-state.js';
export { overshootCorrections } from './sprt-overshoot.js';
export { calcElo, CALC_ELO_MAX_ABS_BOUND, CALC_ELO_MAX_GAMES, CALC_ELO_MESSAGES, CALC_ELO_MIN_BOUND_GAP } from './calc-elo.js';

// Moments and fixed-game Elo.
export const distributionMoments = (distribution: Distribution): StatsResult<moments.Moments> =>
  attempt(() => moments.momentsOf(distribution));
export const distributionExtendedMoments = (distribution: Distribution): StatsResult<moments.ExtendedMoments> =>
  attempt(() => moments.extendedMomentsOf(distribution));
export const perGameStatistics = (frequencies: Frequencies): StatsResult<fixedGames.PerGameStatistics> =>
  attempt(() => fixedGames.perGameStatistics(assertValidFrequencies(frequencies)));
/** Upstream `get_elo`: Elo, 95% half-width and LOS of a fixed-length run. */
export const getElo = (frequencies: Frequencies): StatsResult<fixedGames.FixedGamesElo> =>
  attempt(() => fixedGames.fixedGamesElo(assertValidFrequencies(frequencies)));

// Maximum-likelihood distributions and GSPRT log-likelihood ratios.
export const solveSecularEquation = (distribution: Distribution): StatsResult<number> =>
  attempt(() => mle.solveSecularEquation(distribution));
export const mleWithMean = (empirical: Distribution, mean: number): StatsResult<Distribution> =>
  attempt(() => mle.mleWithMean(empirical, mean));
export const mleWithTValue = (empirical: Distribution, reference: number, tValue: number): StatsResult<Distribution> =>
  attempt(() => mle.mleWithTValue(empirical, reference, tValue));
export const llrJumps = (distribution: Distribution, s0: number, s1: number): StatsResult<Distribution> =>
  attempt(() => llr.llrJumps(distribution, s0, s1, { kind: 'expectation' }));
/** GSPRT LLR with logistic Elo bounds (upstream `LLR_logistic`). */
export const llrLogistic = (elo0: number, elo1: number, frequencies: Frequencies): StatsResult<number> =>
  attempt(() => llr.llrLogistic(elo0, elo1, assertValidFrequencies(frequencies)));
/** GSPRT LLR with normalized Elo bounds (upstream `LLR_normalized`). */
export const llrNormalized = (nelo0: number, nelo1: number, frequencies: Frequencies): StatsResult<number> =>
  attempt(() => llr.llrNormalized(nelo0, nelo1, assertValidFrequencies(frequencies)));
export const llrAlternative = (distribution: Distribution, s0: number, s1: number): StatsResult<number> =>
  attempt(() => llr.llrAlternative(distribution, s0, s1));
export const llrAlternative2 = (distribution: Distribution, s0: number, s1: number): StatsResult<number> =>
  attempt(() => llr.llrAlternative2(distribution, s0, s1));
export const llrDriftVarianceAlternative2 = (
  distribution: Distribution,
  s0: number,
  s1: number,
  trueScore?: number,
): StatsResult<llr.LlrDriftVariance> => attempt(() => llr.llrDriftVarianceAlternative2(distribution, s0, s1, trueScore));
export const llrNormalizedAlternative = (nelo0: number, nelo1: number, frequencies: Frequencies): StatsResult<number> =>
  attempt(() => llr.llrNormalizedAlternative(nelo0, nelo1, assertValidFrequencies(frequencies)));

// Legacy BayesElo model.
export const bayesEloToProbabilities = (elo: number, drawElo: number): StatsResult<bayes.OutcomeProbabilities> =>
  attempt(() => bayes.bayesEloToProbabilities(elo, drawElo));
export const probabilitiesToBayesElo = (probabilities: bayes.OutcomeProbabilities): StatsResult<bayes.BayesEloPair> =>
  attempt(() => bayes.probabilitiesToBayesElo(probabilities));
export const drawEloOf = (trinomial: Trinomial): StatsResult<number> => attempt(() => bayes.drawEloOf(trinomial));
export const bayesEloToLogisticElo = (bayesElo: number, drawElo: number): StatsResult<number> =>
  attempt(() => bayes.bayesEloToLogisticElo(bayesElo, drawElo));
export const logisticEloToBayesElo = (elo: number, drawRatio: number): StatsResult<bayes.BayesEloPair> =>
  attempt(() => bayes.logisticEloToBayesElo(elo, drawRatio));
/** Upstream `LLRlegacy`: BayesElo LLR on unregularized trinomial counts. */
export const llrBayesEloLegacy = (bayesElo0: number, bayesElo1: number, trinomial: Trinomial): StatsResult<number> =>
  attempt(() => bayes.llrBayesEloLegacy(bayesElo0, bayesElo1, trinomial));

// SPRT Elo estimate.
export const brownianOutcome = (motion: BrownianMotion, T: number, y: number): StatsResult<number> =>
  attempt(() => brownianOutcomeProbability(motion, T, y));
/** Upstream `SPRT_elo`: median-unbiased Elo, confidence interval, LOS and LLR of an SPRT run. */
export const sprtElo = (results: GameResults, parameters: SprtEloParameters): StatsResult<SprtEloEstimate> =>
  attempt(() => estimateSprtElo(assertValidResults(results), parameters));
