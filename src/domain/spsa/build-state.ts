import { readSpsaAlgorithm } from './algorithm.js';
import { fail, succeed, type SpsaResult } from './failure.js';
import { parseSpsaParams } from './parse-params.js';
import { pyFloorDiv } from './python/arithmetic.js';
import { requireSpsaNumber } from './require-number.js';
import type { SpsaState } from './types.js';

/** The SPSA fields of the new-run form, as submitted (strings) or already numeric. */
export interface SpsaForm {
  readonly algorithm?: string;
  /** A as a fraction of the run length in game pairs (UI default 0.1). */
  readonly A: string | number;
  readonly alpha: string | number;
  readonly gamma: string | number;
  readonly raw_params: string;
}

export const SPSA_FORM_DEFAULTS = {
  algorithm: 'classic',
  A: 0.1,
  alpha: 0.602,
  gamma: 0.101,
  raw_params: '',
} as const;

/**
 * The initial SPSA state of a run of `numGames` games (an integer): A = ⌊ratio · numGames/2⌋,
 * num_iter = numGames // 2, iter = 0, and the parsed parameters. Like upstream, an empty
 * parameter list is not an error here; see `requireSpsaParams`.
 */
export const buildSpsaState = (form: SpsaForm, numGames: number): SpsaResult<SpsaState> => {
  const algorithm = readSpsaAlgorithm(form.algorithm);
  if (!algorithm.ok) return algorithm;
  const ratio = requireSpsaNumber(form.A, { fieldName: 'A ratio', minimum: 'non-negative' });
  if (!ratio.ok) return ratio;
  const alpha = requireSpsaNumber(form.alpha, { fieldName: 'alpha', minimum: 'non-negative' });
  if (!alpha.ok) return alpha;
  const gamma = requireSpsaNumber(form.gamma, { fieldName: 'gamma', minimum: 'non-negative' });
  if (!gamma.ok) return gamma;

  const unroundedA = (ratio.value * numGames) / 2;
  if (!Number.isFinite(unroundedA)) {
    return fail('overflow', 'cannot convert float infinity to integer');
  }
  // `+ 0` turns the -0 of a tiny negative product into the 0 Python's int() gives.
  const A = Math.trunc(unroundedA) + 0;
  const num_iter = pyFloorDiv(numGames, 2);
  const params = parseSpsaParams(form.raw_params, {
    A,
    alpha: alpha.value,
    gamma: gamma.value,
    num_iter,
  });
  if (!params.ok) return params;
  return succeed({
    algorithm: algorithm.value,
    A,
    alpha: alpha.value,
    gamma: gamma.value,
    raw_params: form.raw_params,
    iter: 0,
    num_iter,
    params: params.value,
  });
};

/** Upstream's new-run form refuses an SPSA run without parameters. */
export const requireSpsaParams = (state: SpsaState): SpsaResult<SpsaState> =>
  state.params.length > 0 ? succeed(state) : fail('invalid-input', 'Number of params must be > 0');
