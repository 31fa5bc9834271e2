import { describe, expect, it } from 'vitest';
import { spsaHistoryPeriod } from '../../../src/domain/spsa/history.js';
import { buildSpsaFormValues, type StoredSpsaSettings } from '../../../src/domain/spsa/form-values.js';
import { createGoldenComparator, loadSpsaFixture } from './golden.js';

interface PeriodCase { num_iter: number; param_count: number; period: number }
interface FormValuesCase {
  spsa: StoredSpsaSettings | null;
  num_games: number | null;
  values: Record<string, unknown>;
}

describe('spsaHistoryPeriod against upstream get_spsa_history_period', () => {
  const cases = loadSpsaFixture<PeriodCase[]>('history-period.json');
  const golden = createGoldenComparator('history-period');

  it(`matches ${cases.length} vectors`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const c of cases) {
      golden.expectMatches(spsaHistoryPeriod(c.num_iter, c.param_count), c.period, JSON.stringify(c));
    }
  });
});

describe('buildSpsaFormValues against upstream build_spsa_form_values', () => {
  const cases = loadSpsaFixture<FormValuesCase[]>('form-values.json');
  const golden = createGoldenComparator('form-values');

  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_, c) => {
    const values = buildSpsaFormValues(c.spsa ?? undefined, c.num_games ?? undefined);
    expect(values.ok).toBe(true);
    if (values.ok) golden.expectMatches(values.value, c.values, JSON.stringify(c.spsa));
  });

  it('rounds the A ratio half to even, as Python does', () => {
    const ratio = (A: number, numGames: number) => {
      const values = buildSpsaFormValues({ A, alpha: 0.602, gamma: 0.101, raw_params: '' }, numGames);
      return values.ok ? values.value.A : undefined;
    };
    expect([ratio(1, 4000), ratio(3, 4000), ratio(5, 4000)]).toEqual([0, 0.002, 0.002]);
  });

  it('refuses an unknown algorithm', () => {
    expect(buildSpsaFormValues({ algorithm: 'other' }).ok).toBe(false);
  });
});
