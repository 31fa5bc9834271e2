import { describe, expect, it } from 'vitest';
import { formatSpsaDisplay } from '../../../src/domain/spsa/display.js';
import type { SpsaParam, SpsaState } from '../../../src/domain/spsa/types.js';
import { loadSpsaFixture } from './golden.js';

interface FormatCase {
  spsa: Omit<SpsaState, 'raw_params' | 'params'> & { params: Omit<SpsaParam, 'a_end'>[] };
  value: [string, ...string[][]];
}

const cases = loadSpsaFixture<FormatCase[]>('format-value.json');

/** The recorder dropped the fields the table does not show. */
const toState = (spsa: FormatCase['spsa']): SpsaState => ({
  ...spsa,
  raw_params: '',
  params: spsa.params.map((param) => ({ ...param, a_end: 0 })),
});

describe('formatSpsaDisplay against upstream format_spsa_value', () => {
  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_, { spsa, value }) => {
    const [summary, ...rows] = value;
    const display = formatSpsaDisplay(toState(spsa));
    expect(display.summary).toBe(summary);
    expect(display.rows).toEqual(rows);
    const nanRows = rows.filter((row) => row[5] === 'nan').map((row) => row[0]);
    expect(display.invalid.map((entry) => entry.name)).toEqual(nanRows);
  });

  it('has at least 200 vectors, some with c = 0 or overflowing steps', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => c.spsa.params.some((p) => p.c === 0)).length).toBeGreaterThan(10);
    expect(cases.filter((c) => JSON.stringify(c.value).includes('nan')).length).toBeGreaterThan(20);
  });

  it('shows nan for c_k and r_k when c = 0 instead of failing', () => {
    const display = formatSpsaDisplay({
      algorithm: 'classic', A: 100, alpha: 0.602, gamma: 0.101, raw_params: '', iter: 10, num_iter: 1000,
      params: [{ name: 'x', start: 1, min: 0, max: 2, c_end: 1, r_end: 0.002, c: 0, a_end: 0.002, a: 1, theta: 1 }],
    });
    expect(display.rows[0]).toEqual(['x', '1.00', '1', '0', '2', 'nan', '1.000', 'nan', '2.00e-03']);
    expect(display.invalid).toEqual([
      { name: 'x', failure: { code: 'division-by-zero', message: 'float division by zero' } },
    ]);
  });
});
