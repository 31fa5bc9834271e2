import { afterAll, describe, expect, it } from 'vitest';
import {
  bayesEloToLogisticElo,
  bayesEloToProbabilities,
  distributionExtendedMoments,
  drawEloOf,
  eloFromScore,
  logisticEloToBayesElo,
  logisticScore,
  normalCdf,
  normalQuantile,
  perGameStatistics,
  probabilitiesToBayesElo,
  regularize,
  resultsToDistribution,
  type Frequencies,
  type OutcomeProbabilities,
  type Trinomial,
} from '../../../src/domain/stats/index.js';
import { logisticScoreOrAbort } from '../../../src/domain/stats/elo-transforms.js';
import { attempt } from '../../../src/domain/stats/failure.js';
import { expectAllClose, expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

interface TransformsFixture {
  L: [number, UpstreamOutcome<number>][];
  statUtilL: [number, UpstreamOutcome<number>][];
  elo: [number, UpstreamOutcome<number>][];
  bayeseloToProba: [number, number, UpstreamOutcome<number[]>][];
  probaToBayeselo: [number[], UpstreamOutcome<[number, number]>][];
  drawEloCalc: [number[], UpstreamOutcome<number>, UpstreamOutcome<number>][];
  bayeseloToElo: [number, number, UpstreamOutcome<number>][];
  eloToBayeselo: [number, number, UpstreamOutcome<[number, number]>][];
  regularizeAndPdf: [number[], UpstreamOutcome<number[]>, UpstreamOutcome<[number, [number, number][]]>][];
  stats: [number[], UpstreamOutcome<[number, number, number, number]>, UpstreamOutcome<[number, number, number]>][];
}

interface NormalFixture {
  phi: [number, UpstreamOutcome<number>][];
  phiInv: [number, UpstreamOutcome<number>][];
}

const fixture = loadFixture<TransformsFixture>('transforms.json');
const normal = loadFixture<NormalFixture>('brownian.json');

afterAll(reportWorstErrors);

describe('logistic score and Elo (golden vectors from upstream)', () => {
  it('L(elo) matches LLRcalc.L_ and stat_util.L; where Python overflows we return the limit 0', () => {
    for (const [elo, upstream] of [...fixture.L, ...fixture.statUtilL]) {
      if ('ok' in upstream) {
        expectClose('L', logisticScore(elo), upstream.ok, { floor: 1e-300 });
        const checked = attempt(() => logisticScoreOrAbort(elo));
        expect(checked.ok).toBe(true);
      } else {
        expect(upstream.error).toBe('OverflowError');
        expect(logisticScore(elo)).toBe(0);
        expectMatchingFailure('L (checked)', attempt(() => logisticScoreOrAbort(elo)), upstream);
      }
    }
    expect(fixture.L.length).toBeGreaterThanOrEqual(200);
  });

  it('elo(score) matches stat_util.elo, clamping included', () => {
    for (const [score, upstream] of fixture.elo) {
      if (!('ok' in upstream)) throw new Error('fixture: elo never raises');
      expectClose('elo', eloFromScore(score), upstream.ok);
    }
    expect(fixture.elo.length).toBeGreaterThanOrEqual(200);
  });
});

describe('BayesElo conversions (golden vectors from upstream)', () => {
  it('bayeselo_to_proba', () => {
    for (const [elo, drawElo, upstream] of fixture.bayeseloToProba) {
      const ours = bayesEloToProbabilities(elo, drawElo);
      if ('ok' in upstream) {
        if (!ours.ok) expect.fail(`bayeselo_to_proba(${elo}, ${drawElo}) failed: ${ours.failure.detail}`);
        // upstream order is [P[0], P[1], P[2]] = [loss, draw, win]. Win and loss are compared
        // relatively down to tiny values; draw = 1 − win − loss is a difference, so absolutely.
        const [loss, draw, win] = ours.value;
        expectAllClose('bayeselo_to_proba', [loss, win], [upstream.ok[0] ?? NaN, upstream.ok[2] ?? NaN], { floor: 1e-300 });
        expectClose('bayeselo_to_proba', draw, upstream.ok[1] ?? NaN);
      } else {
        expectMatchingFailure('bayeselo_to_proba', ours, upstream);
      }
    }
  });

  it('proba_to_bayeselo', () => {
    for (const [probabilities, upstream] of fixture.probaToBayeselo) {
      const ours = probabilitiesToBayesElo(probabilities as unknown as OutcomeProbabilities);
      if ('ok' in upstream) {
        if (!ours.ok) expect.fail(`proba_to_bayeselo(${probabilities.join()}) failed: ${ours.failure.detail}`);
        expectAllClose('proba_to_bayeselo', [ours.value.elo, ours.value.drawElo], upstream.ok);
      } else {
        expectMatchingFailure('proba_to_bayeselo', ours, upstream);
      }
    }
  });

  it('draw_elo_calc, on raw and on regularized counts', () => {
    for (const [counts, raw, regularized] of fixture.drawEloCalc) {
      const trinomial = counts as unknown as Trinomial;
      for (const [ours, upstream] of [
        [drawEloOf(trinomial), raw],
        [drawEloOf(regularize(trinomial)), regularized],
      ] as const) {
        if ('ok' in upstream) {
          if (!ours.ok) expect.fail(`draw_elo_calc(${counts.join()}) failed: ${ours.failure.detail}`);
          expectClose('draw_elo_calc', ours.value, upstream.ok);
        } else {
          expectMatchingFailure('draw_elo_calc', ours, upstream);
        }
      }
    }
  });

  it('bayeselo_to_elo', () => {
    for (const [bayesElo, drawElo, upstream] of fixture.bayeseloToElo) {
      const ours = bayesEloToLogisticElo(bayesElo, drawElo);
      if ('ok' in upstream) {
        if (!ours.ok) expect.fail(`bayeselo_to_elo(${bayesElo}, ${drawElo}) failed: ${ours.failure.detail}`);
        expectClose('bayeselo_to_elo', ours.value, upstream.ok);
      } else {
        expectMatchingFailure('bayeselo_to_elo', ours, upstream);
      }
    }
  });

  it('elo_to_bayeselo; where upstream returns (NaN, NaN) we fail with probability-out-of-range', () => {
    for (const [elo, drawRatio, upstream] of fixture.eloToBayeselo) {
      const ours = logisticEloToBayesElo(elo, drawRatio);
      if ('ok' in upstream) {
        if (Number.isNaN(upstream.ok[0])) {
          expect(ours.ok ? 'ok' : ours.failure.code).toBe('probability-out-of-range');
          continue;
        }
        if (!ours.ok) expect.fail(`elo_to_bayeselo(${elo}, ${drawRatio}) failed: ${ours.failure.detail}`);
        expectAllClose('elo_to_bayeselo', [ours.value.elo, ours.value.drawElo], upstream.ok);
      } else {
        expectMatchingFailure('elo_to_bayeselo', ours, upstream);
      }
    }
  });
});

describe('regularization, distributions and moments (golden vectors from upstream)', () => {
  it('regularize and results_to_pdf', () => {
    for (const [counts, regularized, pdf] of fixture.regularizeAndPdf) {
      if (!('ok' in regularized) || !('ok' in pdf)) throw new Error('fixture: never raises');
      expect([...regularize(counts as unknown as Frequencies)]).toEqual(regularized.ok);
      const { samples, distribution } = resultsToDistribution(counts as unknown as Frequencies);
      expectClose('results_to_pdf', samples, pdf.ok[0]);
      distribution.forEach(([value, probability], index) => {
        expect(value).toBe(pdf.ok[1][index]?.[0]);
        expectClose('results_to_pdf', probability, pdf.ok[1][index]?.[1] ?? NaN, { floor: 1e-300 });
      });
    }
  });

  it('stats_ex of the regularized distribution and stat_util.stats of the raw counts', () => {
    for (const [counts, extended, perGame] of fixture.stats) {
      const frequencies = counts as unknown as Frequencies;
      const oursExtended = distributionExtendedMoments(resultsToDistribution(frequencies).distribution);
      if ('ok' in extended) {
        if (!oursExtended.ok) expect.fail(`stats_ex(${counts.join()}) failed: ${oursExtended.failure.detail}`);
        const { mean, variance, skewness, excessKurtosis } = oursExtended.value;
        expectAllClose('stats_ex', [mean, variance], extended.ok.slice(0, 2));
        // Higher moments of nearly degenerate distributions divide tiny by tiny: compare relatively.
        expectAllClose('stats_ex', [skewness, excessKurtosis], extended.ok.slice(2), { floor: 1e-12 });
      } else {
        expectMatchingFailure('stats_ex', oursExtended, extended);
      }
      const oursPerGame = perGameStatistics(frequencies);
      if ('ok' in perGame) {
        if (!oursPerGame.ok) expect.fail(`stats(${counts.join()}) failed: ${oursPerGame.failure.detail}`);
        const { games, mean, variance } = oursPerGame.value;
        expectAllClose('stat_util.stats', [games, mean, variance], perGame.ok);
      } else {
        expectMatchingFailure('stat_util.stats', oursPerGame, perGame);
      }
    }
    expect(fixture.stats.length).toBeGreaterThanOrEqual(200);
  });
});

describe('normal distribution (golden vectors from scipy via upstream Phi / Phi_inv)', () => {
  it('Phi, relatively even far in the lower tail', () => {
    for (const [x, upstream] of normal.phi) {
      if (!('ok' in upstream)) throw new Error('fixture: never raises');
      expectClose('Phi', normalCdf(x), upstream.ok, { floor: 1e-300 });
    }
  });

  it('Phi_inv', () => {
    for (const [p, upstream] of normal.phiInv) {
      if (!('ok' in upstream)) throw new Error('fixture: never raises');
      expectClose('Phi_inv', normalQuantile(p), upstream.ok);
    }
  });
});
