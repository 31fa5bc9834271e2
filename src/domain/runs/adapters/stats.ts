/**
 * The only door from the run domain into `src/domain/stats`. The run keeps its SPRT in the
 * wire shape (snake_case, sent to workers verbatim); the stats module works on its own camelCase
 * `Sprt`, so this file converts both ways.
 */
import {
  createSprt,
  getElo,
  normalQuantile as statsNormalQuantile,
  sprtElo,
  updateSprt as updateStatsSprt,
  type Sprt,
  type StatsResult,
} from '../../stats/index.js';
import type { Pentanomial, Results } from '../../shared/results.js';
import type { EloModel, SprtState } from '../args.js';

export type { StatsResult } from '../../stats/index.js';

const toStats = (sprt: SprtState): Sprt => ({
  alpha: sprt.alpha,
  beta: sprt.beta,
  elo0: sprt.elo0,
  elo1: sprt.elo1,
  eloModel: sprt.elo_model,
  batchSize: sprt.batch_size,
  lowerBound: sprt.lower_bound,
  upperBound: sprt.upper_bound,
  state: sprt.state,
  llr: sprt.llr,
  ...(sprt.overshoot
    ? {
        overshoot: {
          lastUpdate: sprt.overshoot.last_update,
          skippedUpdates: sprt.overshoot.skipped_updates,
          ref0: sprt.overshoot.ref0,
          m0: sprt.overshoot.m0,
          sq0: sprt.overshoot.sq0,
          ref1: sprt.overshoot.ref1,
          m1: sprt.overshoot.m1,
          sq1: sprt.overshoot.sq1,
        },
      }
    : {}),
  ...(sprt.illegal_update !== undefined ? { illegalUpdate: sprt.illegal_update } : {}),
  ...(sprt.lost_samples !== undefined ? { lostSamples: sprt.lost_samples } : {}),
});

const toWire = (sprt: Sprt): SprtState => ({
  alpha: sprt.alpha,
  beta: sprt.beta,
  elo0: sprt.elo0,
  elo1: sprt.elo1,
  elo_model: sprt.eloModel,
  state: sprt.state,
  llr: sprt.llr,
  batch_size: sprt.batchSize,
  lower_bound: sprt.lowerBound,
  upper_bound: sprt.upperBound,
  ...(sprt.overshoot
    ? {
        overshoot: {
          last_update: sprt.overshoot.lastUpdate,
          skipped_updates: sprt.overshoot.skippedUpdates,
          ref0: sprt.overshoot.ref0,
          m0: sprt.overshoot.m0,
          sq0: sprt.overshoot.sq0,
          ref1: sprt.overshoot.ref1,
          m1: sprt.overshoot.m1,
          sq1: sprt.overshoot.sq1,
        },
      }
    : {}),
  ...(sprt.lostSamples !== undefined ? { lost_samples: sprt.lostSamples } : {}),
  ...(sprt.illegalUpdate !== undefined ? { illegal_update: sprt.illegalUpdate } : {}),
});

/** A fresh SPRT with α = β = 0.05 (upstream `stat_util.SPRT`). */
export const newSprt = (design: { elo0: number; elo1: number; eloModel: EloModel; batchSize: number }): SprtState =>
  toWire(createSprt({ alpha: 0.05, beta: 0.05, ...design }));

const mapResult = <A, B>(result: StatsResult<A>, map: (value: A) => B): StatsResult<B> =>
  result.ok ? { ok: true, value: map(result.value) } : result;

/** The SPRT after the run's results became `results` (upstream `update_SPRT`). */
export const updateSprt = (results: Results, sprt: SprtState): StatsResult<SprtState> =>
  mapResult(updateStatsSprt(results, toStats(sprt)), toWire);

/** LOS of a fixed-games run from its pentanomial (upstream `get_elo(...)[2]`). */
export const fixedGamesElo = (pentanomial: Pentanomial): StatsResult<{ elo: number; elo95: number; los: number }> =>
  getElo(pentanomial);

/** Elo estimate of an SPRT run (upstream `SPRT_elo`). */
export const sprtEloEstimate = (
  results: Results,
  sprt: SprtState,
): StatsResult<{ elo: number; ci: readonly [number, number]; LOS: number }> =>
  sprtElo(results, { alpha: sprt.alpha, beta: sprt.beta, elo0: sprt.elo0, elo1: sprt.elo1, eloModel: sprt.elo_model });

export const normalQuantile = (p: number): number => statsNormalQuantile(p);
