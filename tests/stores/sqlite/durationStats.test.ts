import { describe, expect, it } from 'vitest';
import { createDurationRecorder } from '../../../src/stores/sqlite/durationStats.js';

describe('createDurationRecorder', () => {
  it('counts, sums, keeps the longest, and counts the durations over each threshold', () => {
    const recorder = createDurationRecorder([10, 100]);
    expect(recorder.snapshot()).toEqual({ count: 0, totalMs: 0, maxMs: 0, slowerThanMs: { '10': 0, '100': 0 } });
    for (const ms of [2, 10, 11, 150, 3]) recorder.record(ms);
    expect(recorder.snapshot()).toEqual({ count: 5, totalMs: 176, maxMs: 150, slowerThanMs: { '10': 2, '100': 1 } });
  });

  it('hands out copies: a snapshot does not change afterwards', () => {
    const recorder = createDurationRecorder();
    recorder.record(500);
    const before = recorder.snapshot();
    recorder.record(2_000);
    expect(before).toMatchObject({ count: 1, maxMs: 500, slowerThanMs: { '1000': 0 } });
    expect(recorder.snapshot()).toMatchObject({ count: 2, maxMs: 2_000, slowerThanMs: { '250': 2, '1000': 1 } });
  });
});
