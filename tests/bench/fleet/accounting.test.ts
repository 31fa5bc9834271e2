import { describe, expect, it } from 'vitest';
import { checkLedger, differingRuns } from '../../../bench/fleet/accounting.js';
import { createLedger } from '../../../bench/fleet/loadStats.js';

const ledger = (confirmed: Record<string, number>, uncertain: Record<string, number> = {}) => ({
  ...createLedger(),
  confirmed,
  uncertain,
  confirmedUpdates: Object.keys(confirmed).length,
});

describe('fleet benchmark lost-updates check', () => {
  it('matches a source holding exactly the accepted games', () => {
    const check = checkLedger(ledger({ a: 10, b: 4 }), { 'event log': { a: 10, b: 4 } });
    expect(check.matches).toBe(true);
    expect(check.lines[1]).toBe('event log: 14 games — matches');
  });

  it('names accepted games a source lost, run by run', () => {
    const check = checkLedger(ledger({ a: 10, b: 4 }), { 'event log': { a: 10, b: 2 }, 'read model': { a: 10, b: 4 } });
    expect(check.matches).toBe(false);
    expect(check.lines[1]).toBe('event log: 12 games — DOES NOT MATCH; 2 accepted games missing');
    expect(check.lines[2]).toBe('read model: 14 games — matches');
  });

  it('allows games whose reply never came, but no more than those', () => {
    const sent = ledger({ a: 10 }, { a: 6 });
    expect(checkLedger(sent, { log: { a: 10 } }).matches).toBe(true);
    expect(checkLedger(sent, { log: { a: 16 } }).matches).toBe(true);
    const extra = checkLedger(sent, { log: { a: 17 } });
    expect(extra.matches).toBe(false);
    expect(extra.lines[1]).toContain('1 games nobody sent');
    // A run nobody reported games for must hold none.
    expect(checkLedger(sent, { log: { a: 10, z: 2 } }).matches).toBe(false);
  });

  it('counts the runs two sources disagree on', () => {
    expect(differingRuns({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(0);
    expect(differingRuns({ a: 1, b: 2 }, { a: 1, b: 3, c: 1 })).toBe(2);
    expect(differingRuns({ a: 0 }, {})).toBe(0);
  });
});
