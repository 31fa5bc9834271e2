import { bayesEloToLogisticElo, drawEloOfRegularized } from './bayes-elo.js';
import { attempt, type StatsResult } from './failure.js';
import { llrLogistic, llrNormalized } from './log-likelihood-ratio.js';
import { assertValidResults, samplesOf, totalCount, trinomialOf, type GameResults } from './results.js';
import { advanceOvershoot, initialOvershoot, overshootCorrections, type SprtOvershoot } from './sprt-overshoot.js';

export type EloModel = 'BayesElo' | 'logistic' | 'normalized';

export const ELO_MODELS: readonly EloModel[] = ['BayesElo', 'logistic', 'normalized'];

export type SprtDecision = '' | 'accepted' | 'rejected';

/** The SPRT of a run: fixed design parameters plus the state `updateSprt` maintains. */
export interface Sprt {
  readonly alpha: number;
  readonly beta: number;
  readonly elo0: number;
  readonly elo1: number;
  readonly eloModel: EloModel;
  /** Samples per update: games for a trinomial run, game pairs for a pentanomial one. */
  readonly batchSize: number;
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly state: SprtDecision;
  readonly llr: number;
  /** Absent once an update broke the one-batch-at-a-time contract (illegal update or purge). */
  readonly overshoot?: SprtOvershoot;
  /** Sample total of the last update that was not a whole number of batches (audit). */
  readonly illegalUpdate?: number;
  /** Samples removed by a purge, as seen by the update after it (audit). */
  readonly lostSamples?: number;
}

export interface SprtDesign {
  readonly alpha?: number;
  readonly beta?: number;
  readonly elo0: number;
  readonly elo1: number;
  readonly eloModel?: EloModel;
  readonly batchSize?: number;
}

/** A fresh SPRT (upstream `stat_util.SPRT`). Bounds: ln(β/(1−α)) and ln((1−β)/α). */
export const createSprt = (design: SprtDesign): Sprt => {
  const { alpha = 0.05, beta = 0.05, elo0, elo1, eloModel = 'logistic', batchSize = 1 } = design;
  return {
    alpha,
    beta,
    elo0,
    elo1,
    eloModel,
    state: '',
    llr: 0,
    batchSize,
    lowerBound: Math.log(beta / (1 - alpha)),
    upperBound: Math.log((1 - beta) / alpha),
    overshoot: initialOvershoot(),
  };
};

/**
 * SPRT batch size in game pairs for a run whose time control is `tcRatio` times the STC
 * reference (about 16 pairs per batch at STC, fewer for longer games, at least one).
 * A ratio that is not a positive finite number is treated as 1 (STC).
 */
export const sprtBatchSizePairs = (tcRatio: number): number => {
  const ratio = Number.isFinite(tcRatio) && tcRatio > 0 ? tcRatio : 1;
  return Math.max(1, Math.trunc(0.5 + 16 / ratio));
};

const exactLlr = (sprt: Sprt, results: GameResults): number => {
  const samples = samplesOf(results);
  if (sprt.eloModel === 'BayesElo') {
    // Legacy model: convert the bounds to logistic Elo with a drawelo estimated out of sample.
    const drawElo = drawEloOfRegularized(trinomialOf(results));
    return llrLogistic(bayesEloToLogisticElo(sprt.elo0, drawElo), bayesEloToLogisticElo(sprt.elo1, drawElo), samples);
  }
  return sprt.eloModel === 'logistic'
    ? llrLogistic(sprt.elo0, sprt.elo1, samples)
    : llrNormalized(sprt.elo0, sprt.elo1, samples);
};

/**
 * The SPRT after the run's cumulative results became `results` (upstream `update_SPRT`, made
 * pure): exact GSPRT LLR, overshoot bookkeeping and the accept/reject decision. Safe to repeat
 * with the same results. On failure the caller should keep the previous SPRT unchanged.
 */
export const updateSprt = (results: GameResults, sprt: Sprt): StatsResult<Sprt> =>
  attempt(() => {
    assertValidResults(results);
    const sampleCount = totalCount(samplesOf(results));
    const { overshoot: previousOvershoot, ...rest } = sprt;
    let next: { -readonly [K in keyof Sprt]: Sprt[K] } = { ...rest };
    let overshoot = previousOvershoot;
    if (sampleCount % sprt.batchSize !== 0) {
      next.illegalUpdate = sampleCount;
      overshoot = undefined;
    }
    next.llr = exactLlr(sprt, results);
    if (overshoot !== undefined) {
      const advanced = advanceOvershoot(overshoot, sampleCount, sprt.batchSize, next.llr);
      if ('purged' in advanced) {
        next.lostSamples = advanced.purged;
        overshoot = undefined;
      } else {
        overshoot = advanced;
      }
    }
    if (overshoot !== undefined) next = { ...next, overshoot };
    const [o0, o1] = overshootCorrections(overshoot);
    next.state = next.llr < sprt.lowerBound + o0 ? 'rejected' : next.llr > sprt.upperBound - o1 ? 'accepted' : '';
    return next;
  });

