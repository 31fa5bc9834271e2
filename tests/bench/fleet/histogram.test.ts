import { describe, expect, it } from 'vitest';
import { createHistogram, meanMs, merge, percentileMs, record } from '../../../bench/fleet/histogram.js';

describe('fleet benchmark latency histogram', () => {
  it('has no percentiles when empty', () => {
    expect(percentileMs(createHistogram(), 0.99)).toBeNaN();
    expect(meanMs(createHistogram())).toBeNaN();
  });

  it('reports percentiles within 2% over six orders of magnitude', () => {
    const histogram = createHistogram();
    // 1 µs … 100 s, evenly spread on a log scale.
    const samples = Array.from({ length: 10_001 }, (_, n) => 10 ** ((8 * n) / 10_000));
    for (const us of samples) record(histogram, us);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const fraction of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exactMs = sorted[Math.ceil(fraction * sorted.length) - 1]! / 1000;
      const reported = percentileMs(histogram, fraction);
      if (exactMs * 1000 >= 10) {
        expect(reported).toBeGreaterThanOrEqual(exactMs);
        expect(reported).toBeLessThanOrEqual(exactMs * 1.02);
      }
    }
    expect(percentileMs(histogram, 1)).toBe(Math.max(...samples) / 1000);
  });

  it('never reports more than the largest sample', () => {
    const histogram = createHistogram();
    record(histogram, 1234);
    expect(percentileMs(histogram, 0.99)).toBe(1.234);
    expect(meanMs(histogram)).toBe(1.234);
  });

  it('merges histograms of several load processes by adding them', () => {
    const a = createHistogram();
    const b = createHistogram();
    for (let n = 1; n <= 100; n += 1) record(a, n * 1000);
    for (let n = 101; n <= 200; n += 1) record(b, n * 1000);
    merge(a, b);
    expect(a.count).toBe(200);
    expect(a.maxUs).toBe(200_000);
    expect(meanMs(a)).toBeCloseTo(100.5, 6);
    expect(percentileMs(a, 0.5)).toBeGreaterThanOrEqual(100);
    expect(percentileMs(a, 0.5)).toBeLessThanOrEqual(102);
  });
});
