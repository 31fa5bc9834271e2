import { describe, expect, it } from 'vitest';
import {
  brownianOutcome,
  createSprt,
  distributionExtendedMoments,
  getElo,
  llrAlternative2,
  llrLogistic,
  llrNormalized,
  mleWithMean,
  solveSecularEquation,
  sprtElo,
  updateSprt,
} from '../../../src/domain/stats/index.js';

/* The defined answers for the numeric corners where upstream raises, loops or returns NaN. */

describe('numeric edge cases return defined values', () => {
  it('empty results: every cell is regularized, so estimates exist and are neutral', () => {
    const elo = getElo([0, 0, 0]);
    expect(elo.ok && elo.value.elo === 0 && elo.value.los === 0.5).toBe(true);
    const llr = llrLogistic(0, 2, [0, 0, 0, 0, 0]);
    expect(llr.ok && Math.abs(llr.value) < 1e-6).toBe(true);
    const estimate = sprtElo({ wins: 0, losses: 0, draws: 0 }, { elo0: 0, elo1: 5, eloModel: 'BayesElo' });
    expect(estimate.ok && estimate.value.ci).toEqual([-1000, 1000]);
  });

  it('all draws, all wins and all losses give finite LLRs in every model', () => {
    for (const results of [
      [0, 1000, 0],
      [0, 0, 1000],
      [1000, 0, 0],
      [0, 0, 500, 0, 0],
      [0, 0, 0, 0, 500],
    ] as const) {
      for (const llr of [llrLogistic(0, 2, results), llrNormalized(0, 2, results)]) {
        expect(llr.ok && Number.isFinite(llr.value)).toBe(true);
      }
    }
  });

  it("secular(): support that does not straddle zero is 'secular-no-straddle'", () => {
    expect(solveSecularEquation([[0.1, 0.5], [0.4, 0.5]])).toMatchObject({ ok: false, failure: { code: 'secular-no-straddle' } });
    // A score bound of exactly 1 (elo beyond ~6400) cannot be reached by any MLE.
    expect(llrLogistic(0, 8000, [3, 4, 5])).toMatchObject({ ok: false, failure: { code: 'secular-no-straddle' } });
    expect(mleWithMean([[0, 0.5], [1, 0.5]], 1)).toMatchObject({ ok: false, failure: { code: 'secular-no-straddle' } });
  });

  it("zero variance is 'division-by-zero' where upstream divides by it", () => {
    expect(distributionExtendedMoments([[0.5, 1]])).toMatchObject({ ok: false, failure: { code: 'division-by-zero' } });
    expect(llrAlternative2([[0.5, 1]], 0.4, 0.6)).toMatchObject({ ok: false, failure: { code: 'division-by-zero' } });
    expect(brownianOutcome({ lower: -3, upper: 3, drift: 0.1, sigma: 0 }, 10, 0)).toMatchObject({
      ok: false,
      failure: { code: 'division-by-zero' },
    });
    // Equal SPRT bounds make the LLR variance zero.
    expect(sprtElo({ wins: 10, losses: 5, draws: 10 }, { elo0: 1, elo1: 1, eloModel: 'logistic' })).toMatchObject({
      ok: false,
      failure: { code: 'division-by-zero' },
    });
  });

  it("a Brownian series that upstream would sum forever (NaN terms) is 'no-termination'", () => {
    expect(brownianOutcome({ lower: -1, upper: 1, drift: NaN, sigma: 1 }, 10, 0)).toMatchObject({
      ok: false,
      failure: { code: 'no-termination' },
    });
  });

  it('an SPRT whose LLR fails reports it and leaves the previous SPRT to the caller', () => {
    const sprt = createSprt({ elo0: -1e5, elo1: 1e5, eloModel: 'normalized' });
    const outcome = updateSprt({ wins: 10, losses: 10, draws: 10 }, sprt);
    expect(outcome.ok).toBe(false);
    expect(sprt.llr).toBe(0);
  });
});
