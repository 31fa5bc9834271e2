import { describe, expect, it } from 'vitest';
import { buildSpsaState, requireSpsaParams } from '../../../src/domain/spsa/build-state.js';
import { parseSpsaParams } from '../../../src/domain/spsa/parse-params.js';
import {
  createGoldenComparator,
  FAILURE_CODE_OF_PYTHON_ERROR,
  loadSpsaFixture,
} from './golden.js';

interface BuildStateCase {
  input: {
    A: string | number;
    alpha: string | number;
    gamma: string | number;
    raw_params: string;
    num_games: number;
  };
  output: { state: Record<string, unknown> } | { error: { type: string; message: string } };
}

const cases = loadSpsaFixture<BuildStateCase[]>('build-state.json');
const golden = createGoldenComparator('build-state');

describe('buildSpsaState against upstream build_spsa_state', () => {
  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_, { input, output }) => {
    const built = buildSpsaState(input, input.num_games);
    if ('error' in output) {
      expect(built.ok).toBe(false);
      if (built.ok) return;
      expect(built.failure).toEqual({
        code: FAILURE_CODE_OF_PYTHON_ERROR[output.error.type],
        message: output.error.message,
      });
      return;
    }
    expect(built.ok, built.ok ? '' : built.failure.message).toBe(true);
    if (!built.ok) return;
    // The recorder left raw_params out of the expected state: it is the input text.
    golden.expectMatches(built.value, { ...output.state, raw_params: input.raw_params }, input.raw_params);
  });

  it('covers valid forms and every kind of rejection', () => {
    const errors = cases.filter((c) => 'error' in c.output).length;
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(errors).toBeGreaterThan(50);
    expect(cases.length - errors).toBeGreaterThan(50);
  });
});

describe('SPSA form rules upstream applies outside build_spsa_state', () => {
  it('rejects an unknown algorithm', () => {
    const built = buildSpsaState(
      { algorithm: 'fancy', A: '0.1', alpha: '0.602', gamma: '0.101', raw_params: '' },
      20000,
    );
    expect(built).toEqual({
      ok: false,
      failure: { code: 'invalid-input', message: 'Unknown SPSA algorithm: fancy' },
    });
  });

  it('requires at least one parameter', () => {
    const built = buildSpsaState({ A: 0.1, alpha: 0.602, gamma: 0.101, raw_params: '\n \n' }, 20000);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.params).toEqual([]);
    expect(requireSpsaParams(built.value)).toEqual({
      ok: false,
      failure: { code: 'invalid-input', message: 'Number of params must be > 0' },
    });
  });

  it('validates the run-wide settings handed to parseSpsaParams', () => {
    expect(parseSpsaParams('a,1,0,2,1,0.002', { A: -1, alpha: 0.6, gamma: 0.1, num_iter: 10 })).toEqual({
      ok: false,
      failure: { code: 'invalid-input', message: 'Invalid SPSA A: expected a finite number >= 0' },
    });
    expect(
      parseSpsaParams('a,1,0,2,1,0.002', { A: 0, alpha: 0.6, gamma: Number.NaN, num_iter: 10 }),
    ).toEqual({
      ok: false,
      failure: { code: 'invalid-input', message: 'Invalid SPSA gamma: expected a finite number' },
    });
  });
});
