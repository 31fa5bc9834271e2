import { afterAll, describe, expect, it } from 'vitest';
import {
  createSprt,
  sprtBatchSizePairs,
  updateSprt,
  type EloModel,
  type GameResults,
  type Pentanomial,
  type Sprt,
  type SprtOvershoot,
} from '../../../src/domain/stats/index.js';
import { sprtBatchSizePairs as submissionBatchSizePairs, tcRatio } from '../../../src/domain/shared/time-control.js';
import { expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

interface UpstreamSprtParams {
  alpha: number;
  beta: number;
  elo0: number;
  elo1: number;
  elo_model: EloModel;
  batch_size: number;
}

type Snapshot = [llr: number, state: string, overshoot: number[] | null, illegalUpdate: number | null, lostSamples: number | null];

interface Sequence {
  params: UpstreamSprtParams;
  created: Record<string, unknown> & { lower_bound: number; upper_bound: number; overshoot: Record<string, number> };
  steps: [number[], UpstreamOutcome<Snapshot>][];
}

const fixture = loadFixture<{ overshootKeys: string[]; sequences: Sequence[] }>('update-sprt.json');

/** `[tc, threads, upstream [tc ratio, batch size in pairs]]` through upstream's form code path. */
const batchSizes = loadFixture<{ batchSize: [string, number, UpstreamOutcome<[number, number]>][] }>('sprt-batch-size.json');

/**
 * m0/sq0/m1/sq1 accumulate differences of consecutive LLRs, so they carry the LLR's absolute
 * rounding error: with 10^12 pairs (|LLR| ~ 1.5e8) a one-batch increment of 1e-3 is mostly noise
 * in both implementations. They are compared on the scale of the LLR (relative 1e-9 of max(1, |llr|)).
 */
const ACCUMULATED_OVERSHOOT_KEYS = new Set(['m0', 'sq0', 'm1', 'sq1']);

afterAll(reportWorstErrors);

const OVERSHOOT_FIELDS: Record<string, keyof SprtOvershoot> = {
  last_update: 'lastUpdate',
  skipped_updates: 'skippedUpdates',
  ref0: 'ref0',
  m0: 'm0',
  sq0: 'sq0',
  ref1: 'ref1',
  m1: 'm1',
  sq1: 'sq1',
};

const toResults = (compact: number[]): GameResults => {
  const [losses = 0, draws = 0, wins = 0, ...pentanomial] = compact;
  return pentanomial.length === 5 ? { wins, losses, draws, pentanomial: pentanomial as unknown as Pentanomial } : { wins, losses, draws };
};

describe('SPRT constructor (golden vectors from upstream stat_util.SPRT)', () => {
  it('matches bounds, initial state and overshoot', () => {
    expect(fixture.sequences.length).toBeGreaterThanOrEqual(200);
    for (const { params, created } of fixture.sequences) {
      const ours = createSprt({
        alpha: params.alpha,
        beta: params.beta,
        elo0: params.elo0,
        elo1: params.elo1,
        eloModel: params.elo_model,
        batchSize: params.batch_size,
      });
      expectClose('SPRT bounds', ours.lowerBound, created.lower_bound);
      expectClose('SPRT bounds', ours.upperBound, created.upper_bound);
      expect(ours).toMatchObject({ state: created.state, llr: created.llr, batchSize: created.batch_size, eloModel: created.elo_model });
      for (const [upstreamKey, ourKey] of Object.entries(OVERSHOOT_FIELDS)) {
        expect(ours.overshoot?.[ourKey]).toBe(created.overshoot[upstreamKey]);
      }
    }
  });
});

describe('update_SPRT sequences (golden vectors from upstream)', () => {
  it('reproduces llr, state, overshoot, illegal updates and purges step by step', () => {
    let steps = 0;
    for (const { params, steps: sequenceSteps } of fixture.sequences) {
      let sprt: Sprt = createSprt({
        alpha: params.alpha,
        beta: params.beta,
        elo0: params.elo0,
        elo1: params.elo1,
        eloModel: params.elo_model,
        batchSize: params.batch_size,
      });
      for (const [compact, upstream] of sequenceSteps) {
        steps++;
        const updated = updateSprt(toResults(compact), sprt);
        if (!('ok' in upstream)) {
          expectMatchingFailure('update_SPRT', updated, upstream);
          break;
        }
        if (!updated.ok) expect.fail(`update_SPRT failed on [${compact.join()}]: ${updated.failure.detail}`);
        sprt = updated.value;
        const [llr, state, overshoot, illegalUpdate, lostSamples] = upstream.ok;
        expectClose('update_SPRT llr', sprt.llr, llr);
        expect(sprt.state).toBe(state);
        expect(sprt.illegalUpdate ?? null).toBe(illegalUpdate);
        expect(sprt.lostSamples ?? null).toBe(lostSamples);
        if (overshoot === null) {
          expect(sprt.overshoot).toBeUndefined();
        } else {
          if (sprt.overshoot === undefined) expect.fail('overshoot unexpectedly dropped');
          fixture.overshootKeys.forEach((key, index) => {
            const ourKey = OVERSHOOT_FIELDS[key];
            if (ourKey === undefined) throw new Error(`unknown overshoot key ${key}`);
            const ours = sprt.overshoot?.[ourKey] ?? NaN;
            if (ACCUMULATED_OVERSHOOT_KEYS.has(key)) {
              expectClose('update_SPRT overshoot m/sq (on the LLR scale)', ours, overshoot[index] ?? NaN, { floor: Math.max(1, Math.abs(llr)) });
            } else {
              expectClose('update_SPRT overshoot', ours, overshoot[index] ?? NaN);
            }
          });
        }
      }
    }
    expect(steps).toBeGreaterThanOrEqual(200);
  });

  it('is idempotent: repeating an update with the same results changes nothing', () => {
    const results: GameResults = { wins: 60, losses: 50, draws: 90, pentanomial: [5, 20, 40, 25, 10] };
    const first = updateSprt(results, createSprt({ elo0: 0, elo1: 2, eloModel: 'normalized', batchSize: 4 }));
    if (!first.ok) expect.fail(first.failure.detail);
    const second = updateSprt(results, first.value);
    expect(second).toEqual(first);
  });

  it('does not mutate the SPRT it is given', () => {
    const sprt = createSprt({ elo0: 0, elo1: 2, eloModel: 'logistic', batchSize: 2 });
    const snapshot = structuredClone(sprt);
    updateSprt({ wins: 30, losses: 10, draws: 20, pentanomial: [1, 4, 10, 10, 5] }, sprt);
    expect(sprt).toEqual(snapshot);
  });

  it('reports a failure instead of throwing when the LLR cannot be computed', () => {
    // Bounds so extreme that the expected score is exactly 1: upstream raises in secular().
    const outcome = updateSprt({ wins: 10, losses: 5, draws: 5 }, createSprt({ elo0: 0, elo1: 8000, eloModel: 'logistic' }));
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'secular-no-straddle' } });
    const invalid = updateSprt({ wins: -1, losses: 5, draws: 5 }, createSprt({ elo0: 0, elo1: 2 }));
    expect(invalid).toMatchObject({ ok: false, failure: { code: 'invalid-input' } });
  });
});

describe('SPRT batch size', () => {
  it('is round(16 / tc ratio) game pairs, at least one', () => {
    expect(sprtBatchSizePairs(1)).toBe(16);
    expect(sprtBatchSizePairs(6)).toBe(3); // int(0.5 + 2.67)
    expect(sprtBatchSizePairs(4)).toBe(4);
    expect(sprtBatchSizePairs(32)).toBe(1); // int(1.0)
    expect(sprtBatchSizePairs(33)).toBe(1); // int(0.98) = 0, raised to 1
    expect(sprtBatchSizePairs(0.5)).toBe(32);
    expect(sprtBatchSizePairs(0)).toBe(16);
    expect(sprtBatchSizePairs(NaN)).toBe(16);
  });

  it('matches upstream validate_form (get_tc_ratio and the batch expression) on golden vectors', () => {
    expect(batchSizes.batchSize.length).toBeGreaterThanOrEqual(200);
    for (const [tc, threads, upstream] of batchSizes.batchSize) {
      if (!('ok' in upstream)) {
        // Upstream divides by a zero TC ratio ("0", "0+0") and the form fails; ours treats it as STC.
        expect(upstream.error).toBe('ZeroDivisionError');
        expect(tcRatio(tc, threads)).toBe(0);
        expect(sprtBatchSizePairs(tcRatio(tc, threads))).toBe(16);
        continue;
      }
      const [ratio, pairs] = upstream.ok;
      expectClose('get_tc_ratio', tcRatio(tc, threads), ratio);
      expect(sprtBatchSizePairs(ratio), `${tc} x${threads}: ratio ${ratio}`).toBe(pairs);
      expect(submissionBatchSizePairs(tc, threads), `${tc} x${threads}`).toBe(pairs);
    }
  });
});
