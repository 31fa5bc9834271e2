import { afterAll, describe, expect, it } from 'vitest';
import { getElo, type Frequencies } from '../../../src/domain/stats/index.js';
import { expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

const { getElo: cases } = loadFixture<{ getElo: [number[], UpstreamOutcome<[number, number, number]>][] }>('get-elo.json');

afterAll(reportWorstErrors);

describe('get_elo (golden vectors from upstream)', () => {
  it('matches Elo, 95% half-width and LOS for trinomials and pentanomials of every size', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const [counts, upstream] of cases) {
      const ours = getElo(counts as unknown as Frequencies);
      if (!('ok' in upstream)) {
        expectMatchingFailure('get_elo', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`get_elo(${counts.join()}) failed: ${ours.failure.detail}`);
      const [elo, elo95, los] = upstream.ok;
      expectClose('get_elo elo', ours.value.elo, elo);
      expectClose('get_elo elo95', ours.value.elo95, elo95);
      // LOS far from ½ is a tail probability: compare it relatively.
      expectClose('get_elo LOS', ours.value.los, los, { floor: 1e-300 });
    }
  });

  it('rejects counts that are not 3 or 5 non-negative numbers', () => {
    expect(getElo([1, -2, 3])).toMatchObject({ ok: false, failure: { code: 'invalid-input' } });
    expect(getElo([1, 2, 3, 4] as unknown as Frequencies)).toMatchObject({ ok: false, failure: { code: 'invalid-input' } });
    expect(getElo([1, NaN, 3])).toMatchObject({ ok: false, failure: { code: 'invalid-input' } });
  });

  it('gives a finite estimate even for an empty run (all cells regularized)', () => {
    const empty = getElo([0, 0, 0]);
    expect(empty.ok && Number.isFinite(empty.value.elo) && Math.abs(empty.value.elo) < 1e-9).toBe(true);
  });
});
