/** Durations of individual decisions, in microseconds, and what the report prints about them. */
export interface Samples {
  add(microseconds: number): void;
  summary(): SampleSummary;
}

export interface SampleSummary {
  readonly count: number;
  /** 1e6 / mean: decisions per second of one core doing nothing else. */
  readonly perSecond: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

export const createSamples = (): Samples => {
  let values = new Float64Array(1 << 16);
  let count = 0;
  return {
    add(microseconds) {
      if (count === values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[count] = microseconds;
      count += 1;
    },
    summary() {
      const sorted = values.slice(0, count).sort();
      let total = 0;
      for (const value of sorted) total += value;
      const at = (fraction: number): number => sorted[Math.min(count - 1, Math.floor(fraction * count))] ?? 0;
      const meanUs = count === 0 ? 0 : total / count;
      return { count, perSecond: meanUs === 0 ? 0 : 1e6 / meanUs, meanUs, p50Us: at(0.5), p99Us: at(0.99), maxUs: at(1) };
    },
  };
};

const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');

export const formatSummary = (label: string, summary: SampleSummary): string =>
  `  ${label.padEnd(58)} ${grouped(summary.perSecond).padStart(9)}/s   mean ${summary.meanUs.toFixed(1).padStart(7)} µs` +
  `   p50 ${summary.p50Us.toFixed(1).padStart(7)} µs   p99 ${summary.p99Us.toFixed(1).padStart(7)} µs` +
  `   max ${summary.maxUs.toFixed(0).padStart(6)} µs   (n=${grouped(summary.count)})`;
