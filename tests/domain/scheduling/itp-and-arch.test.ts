import { describe, expect, it } from 'vitest';
import { createArchMatcher, compileArchFilter } from '../../../src/domain/scheduling/arch-filter.js';
import { activeRunsByOwner, calcItp, runSpeed } from '../../../src/domain/scheduling/itp.js';
import { memoryNeeded } from '../../../src/domain/scheduling/memory.js';
import { ZERO_RESULTS } from '../../../src/domain/shared/results.js';
import { approved, assigned, baseArgs, created, machine, resultsOf, runOf, sprtArgs } from '../runs/fixtures.js';

describe('internal throughput (calc_itp)', () => {
  it('is the throughput for an STC run with no games and a lone owner run', () => {
    expect(calcItp({ args: baseArgs(), results: ZERO_RESULTS }, 0)).toBe(100);
  });
  it('clamps throughput to 1…500', () => {
    expect(calcItp({ args: baseArgs({ throughput: 0 }), results: ZERO_RESULTS }, 0)).toBe(1);
    expect(calcItp({ args: baseArgs({ throughput: 900 }), results: ZERO_RESULTS }, 0)).toBe(500);
  });
  it('grows as tc_ratio^0.774 for longer time controls', () => {
    expect(calcItp({ args: baseArgs({ tc: '60+0.6' }), results: ZERO_RESULTS }, 0)).toBeCloseTo(100 * 6 ** 0.774, 6);
  });
  it('shrinks by 36/(36 + n²) with n active runs of the owner', () => {
    expect(calcItp({ args: baseArgs(), results: ZERO_RESULTS }, 6)).toBeCloseTo(50, 10);
  });
  it('adds up to +100% at 200000 games played', () => {
    expect(calcItp({ args: baseArgs(), results: resultsOf([0, 0, 50_000, 0, 0]) }, 0)).toBeCloseTo(150, 10);
    expect(calcItp({ args: baseArgs(), results: resultsOf([0, 0, 500_000, 0, 0]) }, 0)).toBeCloseTo(200, 10);
  });
  it('adds 0.1, or 0.2 for gainer bounds, once the LLR passes 2', () => {
    const args = sprtArgs();
    const sprt = { ...args.sprt!, llr: 2.5 };
    expect(calcItp({ args: { ...args, sprt: { ...sprt, elo0: 0.5 } }, results: ZERO_RESULTS }, 0)).toBeCloseTo(120, 10);
    expect(calcItp({ args: { ...args, sprt: { ...sprt, elo0: 0 } }, results: ZERO_RESULTS }, 0)).toBeCloseTo(110, 10);
    expect(calcItp({ args: { ...args, sprt: { ...sprt, llr: 2.0 } }, results: ZERO_RESULTS }, 0)).toBe(100);
  });
  it('counts only owner runs that have workers', () => {
    const idle = runOf(created(baseArgs()), approved());
    const busy = runOf(created(baseArgs()), approved(), assigned(0, 10));
    expect(activeRunsByOwner([idle, busy, busy])).toEqual(new Map([['owner', 2]]));
  });
  it('sums nps and games per minute over active tasks (update_nps_gpm)', () => {
    const run = runOf(created(baseArgs()), approved(), assigned(0, 10, machine(1, { concurrency: 4, nps: 628_000 })));
    const speed = runSpeed(run);
    expect(speed.nps).toBe(4 * 628_000);
    expect(speed.gamesPerMinute).toBeCloseTo((60 / 30.912) * 4, 10);
  });
});

describe('memory estimate', () => {
  it('charges 444 MiB plus per-process and hash memory', () => {
    expect(memoryNeeded(baseArgs(), 1)).toBe(220 + 160 + 64 + 2 * (12 + 139 + 31) + 32);
    expect(memoryNeeded(baseArgs({ threads: 4, base_options: 'Hash=64', new_options: 'Hash=64' }), 8)).toBe(
      444 + 2 * 2 * (12 + 139 + 124) + 128 * 2,
    );
  });
  it('follows a modified run, whose args are a new object, and keeps each run\u2019s own figure', () => {
    const before = baseArgs({ new_options: 'Hash=16' });
    const after = { ...before, new_options: 'Hash=256' };
    expect(memoryNeeded(before, 1)).toBe(444 + 2 * (12 + 139 + 31) + 32);
    expect(memoryNeeded(after, 1)).toBe(444 + 2 * (12 + 139 + 31) + 272);
    expect(memoryNeeded(before, 1)).toBe(444 + 2 * (12 + 139 + 31) + 32);
  });
});

describe('arch filter matching', () => {
  const match = createArchMatcher({ timeoutMs: 50 });
  it('searches anywhere in the architecture name', () => {
    expect(match('avx2', 'x86-64-avx2').kind).toBe('match');
    expect(match('^avx2', 'x86-64-avx2').kind).toBe('no-match');
  });
  it('reports a pattern that takes too long instead of hanging the scheduler', () => {
    const started = Date.now();
    const result = match('^(\\w+-?)*$', 'x86-64-sse41-popcnt-x86-64-sse41-popcnt!');
    expect(result.kind).toBe('error');
    expect(Date.now() - started).toBeLessThan(2000);
    // The verdict is remembered, so the next request does not pay again.
    const again = Date.now();
    expect(match('^(\\w+-?)*$', 'x86-64-sse41-popcnt-x86-64-sse41-popcnt!').kind).toBe('error');
    expect(Date.now() - again).toBeLessThan(20);
  });
  it('tells whether a pattern compiles', () => {
    expect(compileArchFilter('avx(2|512)').ok).toBe(true);
    expect(compileArchFilter('avx(').ok).toBe(false);
  });
});
