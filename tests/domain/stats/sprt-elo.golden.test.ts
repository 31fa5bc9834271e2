import { afterAll, describe, expect, it } from 'vitest';
import { brownianOutcome, sprtElo, type EloModel, type GameResults } from '../../../src/domain/stats/index.js';
import { expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

interface UpstreamResults {
  wins?: number;
  losses?: number;
  draws?: number;
  pentanomial?: [number, number, number, number, number];
}

type SprtEloCase = [UpstreamResults, number, number, number, number, number, EloModel, UpstreamOutcome<number[]>];

const { sprtElo: cases } = loadFixture<{ outputKeys: string[]; sprtElo: SprtEloCase[] }>('sprt-elo.json');
const { outcomeCdf } = loadFixture<{ outcomeCdf: [number, number, number, number, number, number, UpstreamOutcome<number>][] }>(
  'brownian.json',
);

afterAll(reportWorstErrors);

const toGameResults = (results: UpstreamResults): GameResults => ({
  wins: results.wins ?? 0,
  losses: results.losses ?? 0,
  draws: results.draws ?? 0,
  ...(results.pentanomial ? { pentanomial: results.pentanomial } : {}),
});

describe('Brownian outcome probability (golden vectors from upstream brownian.py)', () => {
  it('matches outcome_cdf on both the series and the Siegmund branch', () => {
    expect(outcomeCdf.length).toBeGreaterThanOrEqual(200);
    for (const [lower, upper, drift, sigma, T, y, upstream] of outcomeCdf) {
      const ours = brownianOutcome({ lower, upper, drift, sigma }, T, y);
      if (!('ok' in upstream)) {
        expectMatchingFailure('outcome_cdf', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`outcome_cdf failed: ${ours.failure.detail}`);
      expectClose('outcome_cdf', ours.value, upstream.ok);
    }
  });
});

describe('SPRT_elo (golden vectors from upstream)', () => {
  it('matches a, b, elo, confidence interval, LOS and LLR for every Elo model', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const [results, alpha, beta, p, elo0, elo1, eloModel, upstream] of cases) {
      const label = `SPRT_elo ${eloModel}`;
      const ours = sprtElo(toGameResults(results), { alpha, beta, p, elo0, elo1, eloModel });
      if (!('ok' in upstream)) {
        expectMatchingFailure(label, ours, upstream);
        continue;
      }
      if (!ours.ok) {
        expect.fail(`${label} ${JSON.stringify(results)} [${elo0}, ${elo1}] failed: ${ours.failure.code} ${ours.failure.detail}`);
      }
      const [a, b, elo, ciLower, ciUpper, los, llr] = upstream.ok as [number, number, number, number, number, number, number];
      const { value } = ours;
      expectClose(`${label} a,b`, value.a, a);
      expectClose(`${label} a,b`, value.b, b);
      expectClose(`${label} elo`, value.elo, elo);
      expectClose(`${label} ci`, value.ci[0], ciLower);
      expectClose(`${label} ci`, value.ci[1], ciUpper);
      expectClose(`${label} LOS`, value.LOS, los);
      expectClose(`${label} LLR`, value.LLR, llr);
    }
  });
});
