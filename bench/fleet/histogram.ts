/**
 * Latency histogram with logarithmic buckets (each 2% wider than the previous one), so that
 * percentiles are within 2% whatever the range, it costs a few hundred numbers, and histograms
 * from several load processes merge by adding counts.
 */

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Bucket 0 holds everything under 10 µs; the last one everything above about 2 minutes. */
const FLOOR_US = 10;
const BUCKETS = Math.ceil(Math.log(120e6 / FLOOR_US) / LOG_GROWTH) + 2;

export interface Histogram {
  counts: number[];
  count: number;
  sumUs: number;
  maxUs: number;
}

export const createHistogram = (): Histogram => ({ counts: new Array<number>(BUCKETS).fill(0), count: 0, sumUs: 0, maxUs: 0 });

const bucketOf = (us: number): number => {
  if (us < FLOOR_US) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(us / FLOOR_US) / LOG_GROWTH));
};

/** Upper edge of a bucket, in µs. */
const upperEdge = (bucket: number): number => FLOOR_US * GROWTH ** bucket;

export const record = (histogram: Histogram, us: number): void => {
  const bucket = bucketOf(us);
  histogram.counts[bucket] = (histogram.counts[bucket] ?? 0) + 1;
  histogram.count += 1;
  histogram.sumUs += us;
  if (us > histogram.maxUs) histogram.maxUs = us;
};

export const merge = (into: Histogram, from: Histogram): void => {
  for (let bucket = 0; bucket < BUCKETS; bucket += 1) into.counts[bucket] = (into.counts[bucket] ?? 0) + (from.counts[bucket] ?? 0);
  into.count += from.count;
  into.sumUs += from.sumUs;
  into.maxUs = Math.max(into.maxUs, from.maxUs);
};

/** The latency under which `fraction` of the samples fall, in ms (NaN when empty). */
export const percentileMs = (histogram: Histogram, fraction: number): number => {
  if (histogram.count === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * histogram.count));
  let seen = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
    seen += histogram.counts[bucket] ?? 0;
    if (seen >= rank) return Math.min(upperEdge(bucket), histogram.maxUs) / 1000;
  }
  return histogram.maxUs / 1000;
};

export const meanMs = (histogram: Histogram): number => (histogram.count === 0 ? Number.NaN : histogram.sumUs / histogram.count / 1000);
