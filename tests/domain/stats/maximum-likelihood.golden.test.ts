import { afterAll, describe, expect, it } from 'vitest';
import { mleWithMean, mleWithTValue, resultsToDistribution, solveSecularEquation, type Distribution, type Frequencies } from '../../../src/domain/stats/index.js';
import { expectAllClose, expectClose, expectMatchingFailure, loadFixture, reportWorstErrors, type UpstreamOutcome } from './golden.js';

interface MleFixture {
  secular: [[number, number][], UpstreamOutcome<number>][];
  mleExpected: [number[], number, UpstreamOutcome<number[]>][];
  mleTValue: [number[], number, UpstreamOutcome<number[]>][];
}

const fixture = loadFixture<MleFixture>('mle.json');

afterAll(reportWorstErrors);

describe('secular equation and MLE solvers (golden vectors from upstream)', () => {
  it('secular(): the root, or the upstream failure (no straddle, no bracket)', () => {
    expect(fixture.secular.length).toBeGreaterThanOrEqual(200);
    for (const [points, upstream] of fixture.secular) {
      const ours = solveSecularEquation(points as unknown as Distribution);
      if (!('ok' in upstream)) {
        expectMatchingFailure('secular', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`secular(${JSON.stringify(points)}) failed: ${ours.failure.detail}`);
      expectClose('secular', ours.value, upstream.ok);
    }
  });

  it('MLE_expected: the MLE probabilities with a given mean', () => {
    expect(fixture.mleExpected.length).toBeGreaterThanOrEqual(200);
    for (const [counts, mean, upstream] of fixture.mleExpected) {
      const { distribution } = resultsToDistribution(counts as unknown as Frequencies);
      const ours = mleWithMean(distribution, mean);
      if (!('ok' in upstream)) {
        expectMatchingFailure('MLE_expected', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`MLE_expected(${counts.join()}, ${mean}) failed: ${ours.failure.detail}`);
      expectAllClose('MLE_expected', ours.value.map(([, p]) => p), upstream.ok, { floor: 1e-300 });
    }
  });

  it('MLE_t_value: the MLE probabilities with a given t-value', () => {
    expect(fixture.mleTValue.length).toBeGreaterThanOrEqual(200);
    for (const [counts, tValue, upstream] of fixture.mleTValue) {
      const { distribution } = resultsToDistribution(counts as unknown as Frequencies);
      const ours = mleWithTValue(distribution, 0.5, tValue);
      if (!('ok' in upstream)) {
        expectMatchingFailure('MLE_t_value', ours, upstream);
        continue;
      }
      if (!ours.ok) expect.fail(`MLE_t_value(${counts.join()}, ${tValue}) failed: ${ours.failure.detail}`);
      expectAllClose('MLE_t_value', ours.value.map(([, p]) => p), upstream.ok, { floor: 1e-300 });
    }
  });
});
