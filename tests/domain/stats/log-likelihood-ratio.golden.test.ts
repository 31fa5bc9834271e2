import { afterAll, describe, expect, it } from 'vitest';
import {
  llrAlternative,
  llrAlternative2,
  llrBayesEloLegacy,
  llrDriftVarianceAlternative2,
  llrJumps,
  llrLogistic,
  llrNormalized,
  llrNormalizedAlternative,
  resultsToDistribution,
  type Frequencies,
  type StatsResult,
  type Trinomial,
} from '../../../src/domain/stats/index.js';
import { expectAllClose, expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

type BoundsCase<T = number> = [number, number, number[], UpstreamOutcome<T>];

interface LlrFixture {
  logistic: BoundsCase[];
  normalized: BoundsCase[];
  normalizedAlt: BoundsCase[];
  legacy: BoundsCase[];
  alt: BoundsCase[];
  alt2: BoundsCase[];
  jumps: BoundsCase<number[]>[];
  driftVarianceAlt2: [number, number, number | null, number[], UpstreamOutcome<[number, number]>][];
}

const fixture = loadFixture<LlrFixture>('llr.json');

afterAll(reportWorstErrors);

const checkScalar = (label: string, cases: BoundsCase[], compute: (x0: number, x1: number, counts: number[]) => StatsResult<number>): void => {
  for (const [x0, x1, counts, upstream] of cases) {
    const ours = compute(x0, x1, counts);
    if (!('ok' in upstream)) {
      expectMatchingFailure(label, ours, upstream);
      continue;
    }
    if (!ours.ok) expect.fail(`${label}(${x0}, ${x1}, [${counts.join()}]) failed: ${ours.failure.code} ${ours.failure.detail}`);
    expectClose(label, ours.value, upstream.ok);
  }
};

const distributionOf = (counts: number[]) => resultsToDistribution(counts as unknown as Frequencies).distribution;

describe('GSPRT log-likelihood ratios (golden vectors from upstream)', () => {
  it('LLR_logistic, trinomial and pentanomial, including elo0 > elo1 and absurd bounds', () => {
    expect(fixture.logistic.length).toBeGreaterThanOrEqual(200);
    checkScalar('LLR_logistic', fixture.logistic, (e0, e1, counts) => llrLogistic(e0, e1, counts as unknown as Frequencies));
  });

  it('LLR_normalized, trinomial and pentanomial', () => {
    expect(fixture.normalized.length).toBeGreaterThanOrEqual(200);
    checkScalar('LLR_normalized', fixture.normalized, (e0, e1, counts) => llrNormalized(e0, e1, counts as unknown as Frequencies));
  });

  it('LLR_normalized_alt', () => {
    checkScalar('LLR_normalized_alt', fixture.normalizedAlt, (e0, e1, counts) =>
      llrNormalizedAlternative(e0, e1, counts as unknown as Frequencies),
    );
  });

  it('LLRlegacy (BayesElo, unregularized trinomial)', () => {
    expect(fixture.legacy.length).toBeGreaterThanOrEqual(200);
    checkScalar('LLRlegacy', fixture.legacy, (e0, e1, counts) => llrBayesEloLegacy(e0, e1, counts as unknown as Trinomial));
  });

  it('LLR_alt and LLR_alt2 (per-sample approximations)', () => {
    checkScalar('LLR_alt', fixture.alt, (s0, s1, counts) => llrAlternative(distributionOf(counts), s0, s1));
    checkScalar('LLR_alt2', fixture.alt2, (s0, s1, counts) => llrAlternative2(distributionOf(counts), s0, s1));
  });

  it('LLRjumps', () => {
    for (const [s0, s1, counts, upstream] of fixture.jumps) {
      const ours = llrJumps(distributionOf(counts), s0, s1);
      if (!('ok' in upstream)) {
        expectMatchingFailure('LLRjumps', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`LLRjumps failed: ${ours.failure.detail}`);
      expectAllClose('LLRjumps', ours.value.map(([jump]) => jump), upstream.ok);
    }
  });

  it('LLR_drift_variance_alt2, with and without a true score', () => {
    for (const [s0, s1, trueScore, counts, upstream] of fixture.driftVarianceAlt2) {
      const ours = llrDriftVarianceAlternative2(distributionOf(counts), s0, s1, trueScore ?? undefined);
      if (!('ok' in upstream)) {
        expectMatchingFailure('LLR_drift_variance_alt2', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`LLR_drift_variance_alt2 failed: ${ours.failure.detail}`);
      expectAllClose('LLR_drift_variance_alt2', [ours.value.drift, ours.value.variance], upstream.ok);
    }
  });
});
