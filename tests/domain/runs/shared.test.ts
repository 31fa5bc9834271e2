import { describe, expect, it } from 'vitest';
import { emptyList, listOf } from '../../../src/domain/shared/persistent-list.js';
import { formatFixed, formatPercent } from '../../../src/domain/shared/python-format.js';
import { isValidResults } from '../../../src/domain/shared/results.js';
import { estimateGameDuration, sprtBatchSizePairs, tcBase, tcRatio } from '../../../src/domain/shared/time-control.js';
import { elapsedWholeDays, timedeltaSecondsField } from '../../../src/domain/shared/time.js';
import { workerName } from '../../../src/domain/shared/worker-info.js';
import { resultsOf, workerInfo } from './fixtures.js';

describe('time controls', () => {
  it('estimates a 10+0.1 game at 30.912 s (68 moves, 92% of both clocks)', () => {
    expect(estimateGameDuration('10+0.1')).toBeCloseTo(30.912, 10);
  });
  it('scales moves-based time controls to 68 moves', () => {
    expect(estimateGameDuration('40/60')).toBeCloseTo(60 * (68 / 40) * 1.84, 10);
  });
  it('gives LTC 60+0.6 a tc ratio of 6 and SMP-STC 5+0.05 with 8 threads a ratio of 4', () => {
    expect(tcRatio('60+0.6')).toBeCloseTo(6, 10);
    expect(tcRatio('5+0.05', 8)).toBeCloseTo(4, 10);
  });
  it('sizes SPRT batches at 16 pairs for STC, 3 for LTC, 4 for SMP-STC and at least 1', () => {
    expect(sprtBatchSizePairs('10+0.1', 1)).toBe(16);
    expect(sprtBatchSizePairs('60+0.6', 1)).toBe(3);
    expect(sprtBatchSizePairs('5+0.05', 8)).toBe(4);
    expect(sprtBatchSizePairs('180+1.8', 8)).toBe(1);
  });
  it('reads tc_base as the leading number of the tc string', () => {
    expect(tcBase('60+0.6')).toBe(60);
    expect(tcBase('40/60')).toBe(40);
  });
});

describe('results schema', () => {
  it('accepts results consistent with their pentanomial', () => {
    expect(isValidResults(resultsOf([1, 2, 3, 4, 5]))).toBe(true);
  });
  it('refuses L+D+W different from 2·Σpentanomial', () => {
    expect(isValidResults({ ...resultsOf([1, 2, 3, 4, 5]), wins: 99 })).toBe(false);
  });
  it('refuses negative or fractional counts', () => {
    expect(isValidResults({ ...resultsOf([0, 0, 0, 0, 0]), crashes: -1 })).toBe(false);
    expect(isValidResults({ ...resultsOf([0, 0, 0, 0, 0]), time_losses: 0.5 })).toBe(false);
  });
});

describe('worker names', () => {
  const info = workerInfo({ username: 'bob', concurrency: 16, unique_key: 'abcd1234-2869-4459-b722-1560ae3bd123' });
  it('long name: user-Ncores-prefix-group, starred when modified', () => {
    expect(workerName(info)).toBe('bob-16cores-abcd1234-2869');
    expect(workerName({ ...info, modified: true })).toBe('bob-16cores-abcd1234-2869*');
  });
  it('short name: user-Ncores-prefix', () => {
    expect(workerName({ ...info, modified: true }, { short: true })).toBe('bob-16cores-abcd1234');
  });
});

describe('python formatting', () => {
  it('rounds exact ties to even like Python', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatPercent(0.0625, 1)).toBe('6.2%');
  });
  it('keeps the sign of negative zero and prints inf and nan', () => {
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(Number.POSITIVE_INFINITY, 2)).toBe('inf');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
  });
});

describe('python timedelta fields', () => {
  it('days round towards minus infinity', () => {
    expect(elapsedWholeDays(0, 30 * 86_400_000 + 1)).toBe(30);
    expect(elapsedWholeDays(0, 31 * 86_400_000)).toBe(31);
  });
  it('seconds is the seconds part of the normalised delta', () => {
    expect(timedeltaSecondsField(0, 119_999)).toBe(119);
    expect(timedeltaSecondsField(0, 86_400_000 + 5000)).toBe(5);
    expect(timedeltaSecondsField(1000, 500)).toBe(86_399);
  });
});

describe('persistent list', () => {
  it('sets and pushes without touching the original', () => {
    const original = listOf(Array.from({ length: 200 }, (_, i) => i));
    const changed = original.set(130, -1).push(200);
    expect(original.get(130)).toBe(130);
    expect(original.length).toBe(200);
    expect(changed.get(130)).toBe(-1);
    expect(changed.get(200)).toBe(200);
    expect([...changed].length).toBe(201);
  });
  it('answers undefined outside its bounds and refuses to set there', () => {
    expect(emptyList<number>().get(0)).toBeUndefined();
    expect(() => emptyList<number>().set(0, 1)).toThrow(RangeError);
  });
});
