import { describe, expect, it } from 'vitest';
import type { ProjectionStatus } from '../../src/projections/engine.js';
import { isStalled } from '../../src/projections/stall.js';

const status = (behindSince?: string): ProjectionStatus => ({
  name: 'runs',
  version: 2,
  state: 'running',
  checkpoint: '10',
  head: '12',
  lag: '2',
  serving: true,
  ...(behindSince === undefined ? {} : { behindSince }),
});

describe('isStalled', () => {
  const now = Date.parse('2026-11-27T12:00:00.000Z');

  it('is false while a projection keeps up', () => {
    expect(isStalled(status(), 60_000, now)).toBe(false);
  });

  it('is false until it has been behind for longer than the threshold, and true after', () => {
    expect(isStalled(status('2026-11-27T11:59:00.000Z'), 60_000, now)).toBe(false);
    expect(isStalled(status('2026-11-27T11:58:59.999Z'), 60_000, now)).toBe(true);
    expect(isStalled(status('2026-11-27T11:59:59.000Z'), 500, now)).toBe(true);
  });
});
