import { pyClip, pyMax, pyMin, pyPow } from './python/arithmetic.js';

/** A history sample as the chart sees it: non-finite numbers already replaced by null. */
export type ChartSampleEntry = { readonly theta: number | null; readonly c: number | null };
export type ChartSample = readonly ChartSampleEntry[];

/** History samples do not store their iteration. Each parameter's sample c = c / (iter+1)^γ. */
export const recoverSampleIter = (
  sample: ChartSample,
  baseCs: readonly (number | null)[],
  gamma: number,
): number | null => {
  if (!Number.isFinite(gamma) || gamma <= 0) return null;
  const recovered: number[] = [];
  const count = Math.min(sample.length, baseCs.length);
  for (let index = 0; index < count; index += 1) {
    const baseC = baseCs[index] ?? null;
    const sampleC = sample[index]?.c ?? null;
    if (baseC === null || sampleC === null || baseC <= 0 || sampleC <= 0) continue;
    // Upstream raises OverflowError when the power overflows; here that parameter is skipped
    // like any other non-finite estimate.
    const iterPlusOne = pyPow(baseC / sampleC, 1 / gamma);
    if (!iterPlusOne.ok || !Number.isFinite(iterPlusOne.value) || iterPlusOne.value <= 0) continue;
    recovered.push(pyMax(iterPlusOne.value - 1, 0));
  }
  if (recovered.length === 0) return null;
  recovered.sort((a, b) => a - b);
  const middle = recovered.length >> 1;
  return recovered.length % 2 === 1
    ? recovered[middle]!
    : (recovered[middle - 1]! + recovered[middle]!) / 2;
};

export interface ChartProgress {
  readonly iter: number;
  readonly numIter: number;
  /** Whether a live point follows the history samples. */
  readonly hasLivePoint: boolean;
}

/** Fallback: samples evenly spaced up to the current progress (less one slot for a live point). */
export const evenlySpacedSampleIters = (
  historyLength: number,
  { iter, numIter, hasLivePoint }: ChartProgress,
): number[] => {
  const totalPoints = historyLength + (hasLivePoint ? 1 : 0);
  if (totalPoints <= 0) return [];
  const finalRatio = numIter > 0 ? pyClip(iter / numIter, 0, 1) : 0;
  return Array.from(
    { length: historyLength },
    (_, index) => ((index + 1) / totalPoints) * finalRatio * numIter,
  );
};

/**
 * The iteration of every history sample, recovered from its c values, clamped to [0, iter].
 * If any sample cannot be recovered or the iterations go backwards, all samples fall back to
 * even spacing.
 */
export const chartSampleIters = (
  history: readonly ChartSample[],
  baseCs: readonly (number | null)[],
  gamma: number,
  progress: ChartProgress,
): number[] => {
  const iters: number[] = [];
  for (const sample of history) {
    const recovered = recoverSampleIter(sample, baseCs, gamma);
    if (recovered === null) return evenlySpacedSampleIters(history.length, progress);
    const clamped =
      progress.iter > 0 ? pyMin(pyMax(recovered, 0), progress.iter) : pyMax(recovered, 0);
    const previous = iters[iters.length - 1];
    if (previous !== undefined && clamped + 1e-9 < previous) {
      return evenlySpacedSampleIters(history.length, progress);
    }
    iters.push(clamped);
  }
  return iters;
};
