import { describe, expect, it } from 'vitest';
import { buildSpsaChartPayload, type SpsaChartSource } from '../../../src/domain/spsa/chart-payload.js';
import { chartSampleIters, recoverSampleIter } from '../../../src/domain/spsa/chart-iterations.js';
import { createGoldenComparator, loadSpsaFixture } from './golden.js';

interface ChartCase {
  spsa: SpsaChartSource | null;
  output: { payload: unknown } | { error: { type: string; message: string } };
}

const cases = loadSpsaFixture<ChartCase[]>('chart-payload.json');
const golden = createGoldenComparator('chart-payload');

describe('buildSpsaChartPayload against upstream build_spsa_chart_payload', () => {
  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_, { spsa, output }) => {
    const payload = buildSpsaChartPayload(spsa ?? undefined);
    if ('payload' in output) {
      golden.expectMatches(payload ?? {}, output.payload, JSON.stringify(spsa).slice(0, 200));
      return;
    }
    // Upstream raises OverflowError while recovering a sample's iteration; here the
    // parameter whose power overflows is skipped and the payload stays well formed.
    expect(output.error.type).toBe('OverflowError');
    expect(payload).toBeDefined();
    for (const row of payload!.chart_rows) {
      expect(row.iter_ratio).toBeGreaterThanOrEqual(0);
      expect(row.iter_ratio).toBeLessThanOrEqual(1);
      expect(row.values.every(Number.isFinite)).toBe(true);
    }
  });

  it('has at least 200 vectors, including fallbacks and damaged history', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const withHistory = cases.filter((c) => (c.spsa?.param_history?.length ?? 0) > 0);
    expect(withHistory.length).toBeGreaterThan(150);
    expect(cases.some((c) => c.spsa?.gamma === 0 && (c.spsa.param_history?.length ?? 0) > 0)).toBe(true);
  });
});

describe('chart iteration recovery edge cases', () => {
  it('returns null, not a division error, for c = 0 or a non-positive gamma', () => {
    expect(recoverSampleIter([{ theta: 1, c: 0 }], [10], 0.101)).toBeNull();
    expect(recoverSampleIter([{ theta: 1, c: 5 }], [0], 0.101)).toBeNull();
    expect(recoverSampleIter([{ theta: 1, c: 5 }], [10], 0)).toBeNull();
  });

  it('takes the median over parameters', () => {
    // (10 / c)^(1/γ) − 1 with γ = 1: 1, 4 and 9.
    const sample = [5, 2, 1].map((c) => ({ theta: 0, c }));
    expect(recoverSampleIter(sample, [10, 10, 10], 1)).toBe(4);
    expect(recoverSampleIter(sample.slice(0, 2), [10, 10], 1)).toBe(2.5);
  });

  it('skips a parameter whose recovered power overflows, where upstream raises', () => {
    expect(recoverSampleIter([{ theta: 0, c: 1e-300 }, { theta: 0, c: 10 }], [1, 10], 0.01)).toBe(0);
  });

  it('tolerates a recovered iteration going back by less than 1e-9, and falls back beyond', () => {
    const progress = { iter: 10, numIter: 100, hasLivePoint: true };
    // γ = 1 and base c 10: c 5 is iteration 1; a c larger by a relative 1e-13 is just before it.
    const close = [[{ theta: 0, c: 5 }], [{ theta: 0, c: 5 * (1 + 1e-13) }]];
    const iters = chartSampleIters(close, [10], 1, progress);
    expect(iters[0]).toBe(1);
    expect(iters[1]).toBeCloseTo(1, 9);
    const far = [[{ theta: 0, c: 5 }], [{ theta: 0, c: 5.001 }]];
    // Even spacing over 2 samples + the live point, up to iter 10: 10/3 and 20/3.
    expect(chartSampleIters(far, [10], 1, progress)).toEqual([10 / 3, 20 / 3]);
  });
});
