/*
 * Dynamic overshoot correction of the SPRT bounds (Siegmund, Sequential Analysis, Corollary
 * 8.33): while updates arrive one batch at a time, record how far each new LLR minimum (maximum)
 * jumps past the previous one, and move the lower (upper) bound inwards by E[jump²]/(2·E[jump]).
 */

export interface SprtOvershoot {
  /** Sample count (games or game pairs) at the last update. */
  readonly lastUpdate: number;
  /** Batches that arrived together instead of one by one (audit only). */
  readonly skippedUpdates: number;
  readonly ref0: number;
  readonly m0: number;
  readonly sq0: number;
  readonly ref1: number;
  readonly m1: number;
  readonly sq1: number;
}

export const initialOvershoot = (): SprtOvershoot => ({
  lastUpdate: 0,
  skippedUpdates: 0,
  ref0: 0,
  m0: 0,
  sq0: 0,
  ref1: 0,
  m1: 0,
  sq1: 0,
});

/**
 * The overshoot after an update that brought the run to `samples` with this LLR, or 'purged'
 * when samples were removed (the batch-by-batch record no longer holds).
 */
export const advanceOvershoot = (
  overshoot: SprtOvershoot,
  samples: number,
  batchSize: number,
  llr: number,
): SprtOvershoot | { readonly purged: number } => {
  if (samples < overshoot.lastUpdate) return { purged: overshoot.lastUpdate - samples };
  if (samples === overshoot.lastUpdate) return overshoot;
  if (samples !== overshoot.lastUpdate + batchSize) {
    // Several batches at once: restart the reference points, keep the statistics.
    return {
      ...overshoot,
      ref0: llr,
      ref1: llr,
      skippedUpdates: overshoot.skippedUpdates + (samples - overshoot.lastUpdate) - 1,
      lastUpdate: samples,
    };
  }
  let { ref0, m0, sq0, ref1, m1, sq1 } = overshoot;
  if (llr < ref0) {
    const jump = llr - ref0;
    m0 += jump;
    sq0 += jump ** 2;
    ref0 = llr;
  }
  if (llr > ref1) {
    const jump = llr - ref1;
    m1 += jump;
    sq1 += jump ** 2;
    ref1 = llr;
  }
  return { ...overshoot, ref0, m0, sq0, ref1, m1, sq1, lastUpdate: samples };
};

/** Corrections [o0, o1] to add to the lower bound and subtract from the upper one. */
export const overshootCorrections = (overshoot: SprtOvershoot | undefined): readonly [number, number] => {
  if (overshoot === undefined) return [0, 0];
  const o0 = overshoot.m0 !== 0 ? -overshoot.sq0 / overshoot.m0 / 2 : 0;
  const o1 = overshoot.m1 !== 0 ? overshoot.sq1 / overshoot.m1 / 2 : 0;
  return [o0, o1];
};
