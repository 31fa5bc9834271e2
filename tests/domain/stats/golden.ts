import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { StatsFailureCode, StatsResult } from '../../../src/domain/stats/index.js';

/** Upstream outcome of one call: a value, or the exception it raised (type and message). */
export type UpstreamOutcome<T = unknown> = { readonly ok: T } | { readonly error: string; readonly message: string };

/** JSON cannot hold NaN or ±Infinity; the fixtures spell them as strings. */
const revive = (_key: string, value: unknown): unknown => {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
};

export const loadFixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8'), revive) as T;

export const DEFAULT_TOLERANCE = 1e-9;

/**
 * Error relative to the expected value, or absolute when |expected| is below `floor`
 * (1 by default, so values near zero are compared absolutely).
 */
export const relativeError = (actual: number, expected: number, floor = 1): number => {
  if (Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected))) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return Infinity;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), floor);
};

const worst = new Map<string, { error: number; count: number }>();

/** Records the comparison under `label`, then asserts it is within tolerance. */
export const expectClose = (label: string, actual: number, expected: number, options: { tolerance?: number; floor?: number } = {}): void => {
  const error = relativeError(actual, expected, options.floor);
  const entry = worst.get(label) ?? { error: 0, count: 0 };
  worst.set(label, { error: Math.max(entry.error, error), count: entry.count + 1 });
  if (!(error <= (options.tolerance ?? DEFAULT_TOLERANCE))) {
    expect.fail(`${label}: got ${actual}, upstream ${expected} (error ${error})`);
  }
};

export const expectAllClose = (
  label: string,
  actual: readonly number[],
  expected: readonly number[],
  options: { tolerance?: number; floor?: number } = {},
): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => expectClose(label, value, expected[index] ?? NaN, options));
};

/** Which of our failure codes stand for an upstream exception. */
export const failureCodesFor = (upstream: { readonly error: string; readonly message: string }): readonly StatsFailureCode[] => {
  switch (upstream.error) {
    case 'ZeroDivisionError':
      return ['division-by-zero'];
    case 'OverflowError':
      return ['overflow'];
    case 'AssertionError':
      return ['mle-check-failed', 'invalid-distribution', 'probability-out-of-range', 'outcome-out-of-range', 'root-not-converged', 'invalid-input'];
    case 'Timeout':
      return ['no-termination', 'overflow'];
    case 'ValueError':
      if (upstream.message.includes('straddling zero')) return ['secular-no-straddle'];
      if (upstream.message.includes('different signs')) return ['root-not-bracketed'];
      if (upstream.message.includes('NaN')) return ['root-nan'];
      if (upstream.message.includes('did not converge')) return ['root-not-converged'];
      if (upstream.message.includes('math domain')) return ['math-domain'];
      return [];
    default:
      return [];
  }
};

/** Asserts that an upstream exception became a failure result with a matching code. */
export const expectMatchingFailure = (label: string, actual: StatsResult<unknown>, upstream: { readonly error: string; readonly message: string }): void => {
  if (actual.ok) expect.fail(`${label}: upstream raised ${upstream.error} (${upstream.message}) but we returned ${JSON.stringify(actual.value)}`);
  expect(failureCodesFor(upstream), `${label}: ${actual.failure.code} (${actual.failure.detail}) for upstream ${upstream.error}: ${upstream.message}`).toContain(actual.failure.code);
  const entry = worst.get(`${label} (failures)`) ?? { error: 0, count: 0 };
  worst.set(`${label} (failures)`, { error: 0, count: entry.count + 1 });
};

/** With STATS_GOLDEN_REPORT=1, prints the largest error seen per label (for reports). */
export const reportWorstErrors = (): void => {
  if (process.env.STATS_GOLDEN_REPORT !== '1') return;
  for (const [label, { error, count }] of [...worst].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${label}: ${count} comparisons, max error ${error.toExponential(2)}`);
  }
};
