import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildSpsaWorkerData, drawSpsaFlips } from '../../../src/domain/spsa/worker-data.js';
import { spsaStepAt } from '../../../src/domain/spsa/step.js';
import type { SpsaFlip, SpsaParam, SpsaState } from '../../../src/domain/spsa/types.js';
import {
  createGoldenComparator,
  FAILURE_CODE_OF_PYTHON_ERROR,
  loadSpsaFixture,
} from './golden.js';

type StepParam = Pick<SpsaParam, 'name' | 'min' | 'max' | 'c' | 'a' | 'theta'>;

interface WorkerDataCase {
  input: {
    state: Pick<SpsaState, 'A' | 'alpha' | 'gamma' | 'iter' | 'num_iter'> & { params: StepParam[] };
    iter: number | null;
    flips: SpsaFlip[];
  };
  output: { data: unknown } | { error: { type: string; message: string } };
}

/** The recorder kept only what a step reads; the other fields do not take part. */
const toState = (slim: WorkerDataCase['input']['state']): SpsaState => ({
  algorithm: 'classic',
  A: slim.A,
  alpha: slim.alpha,
  gamma: slim.gamma,
  iter: slim.iter,
  num_iter: slim.num_iter,
  raw_params: '',
  params: slim.params.map((param) => ({ ...param, start: 0, c_end: 1, r_end: 0, a_end: 0 })),
});

const cases = loadSpsaFixture<WorkerDataCase[]>('worker-data.json');
const golden = createGoldenComparator('worker-data');

describe('buildSpsaWorkerData against upstream _generate_data (flips fed explicitly)', () => {
  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_, { input, output }) => {
    const state = toState(input.state);
    const data = buildSpsaWorkerData(state, input.flips, input.iter ?? undefined);
    if ('error' in output) {
      expect(data.ok).toBe(false);
      if (!data.ok) expect(data.failure.code).toBe(FAILURE_CODE_OF_PYTHON_ERROR[output.error.type]);
      return;
    }
    expect(data.ok, data.ok ? '' : data.failure.message).toBe(true);
    if (data.ok) golden.expectMatches(data.value, output.data, `case with ${state.params.length} params`);
  });

  it('has at least 200 vectors, some at the clipping bounds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const clipped = cases.filter(
      (c) =>
        'data' in c.output &&
        (c.output.data as { w_params: { value: number }[] }).w_params.some((w, index) => {
          const param = c.input.state.params[index]!;
          return w.value === param.min || w.value === param.max;
        }),
    );
    expect(clipped.length).toBeGreaterThan(10);
  });
});

describe('SPSA step edge cases', () => {
  it('fails with division-by-zero when c_k is 0, where upstream raises', () => {
    expect(spsaStepAt({ A: 0, alpha: 0.602, gamma: 0.101 }, { c: 0, a: 1 }, 0)).toEqual({
      ok: false,
      failure: { code: 'division-by-zero', message: 'float division by zero' },
    });
  });

  it('refuses fewer flips than parameters', () => {
    const state = toState({
      A: 0, alpha: 0.602, gamma: 0.101, iter: 0, num_iter: 10,
      params: [{ name: 'x', min: 0, max: 1, c: 1, a: 1, theta: 0.5 }],
    });
    expect(buildSpsaWorkerData(state, []).ok).toBe(false);
  });
});

describe('SPSA worker values, properties', () => {
  const paramArbitrary = fc
    .record({
      low: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      width: fc.double({ min: 0, max: 1e6, noNaN: true }),
      position: fc.double({ min: 0, max: 1, noNaN: true }),
      c: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      a: fc.double({ min: 0, max: 1e3, noNaN: true }),
    })
    .map(({ low, width, position, c, a }) => ({
      name: 'p', min: low, max: low + width, theta: low + width * position, c, a,
    }));

  it('keeps both engines inside [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(paramArbitrary, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.infiniteStream(fc.constantFrom<SpsaFlip>(1, -1)),
        (params, iter, flipStream) => {
          const state = toState({ A: 100, alpha: 0.602, gamma: 0.101, iter, num_iter: 1e6, params });
          const flips = [...flipStream.take(params.length)];
          const data = buildSpsaWorkerData(state, flips);
          expect(data.ok).toBe(true);
          if (!data.ok) return;
          params.forEach((param, index) => {
            for (const value of [data.value.w_params[index]!.value, data.value.b_params[index]!.value]) {
              expect(value).toBeGreaterThanOrEqual(param.min);
              expect(value).toBeLessThanOrEqual(param.max);
            }
          });
        },
      ),
    );
  });

  it('draws flips from the injected source only', () => {
    const values = [0.1, 0.9, 0.5, 0.49999];
    let next = 0;
    expect(drawSpsaFlips(4, () => values[next++]!)).toEqual([-1, 1, 1, -1]);
  });
});
