import { formatFixed, formatScientific, formatTruncatedInteger } from './python/format.js';
import { spsaStepAt } from './step.js';
import type { SpsaFailure } from './failure.js';
import type { SpsaState } from './types.js';

/** The parameter table of the run page, every cell already formatted as upstream does. */
export interface SpsaDisplay {
  /** `iter: k, A: A, alpha: α, gamma: γ` with k = iter + 1. */
  readonly summary: string;
  /** name, θ, start, min, max, c_k, c_end, r_k, r_end. */
  readonly rows: readonly (readonly string[])[];
  /** Parameters whose c_k and r_k could not be computed and show as nan (worth a log line). */
  readonly invalid: readonly { readonly name: string; readonly failure: SpsaFailure }[];
}

const formatIntegral = (value: number): string =>
  Number.isInteger(value) ? BigInt(value).toString() : String(value);

export const formatSpsaDisplay = (state: SpsaState): SpsaDisplay => {
  const k = state.iter + 1;
  const summary =
    `iter: ${formatIntegral(k)}, A: ${formatIntegral(state.A)}, ` +
    `alpha: ${formatFixed(state.alpha, 3)}, gamma: ${formatFixed(state.gamma, 3)}`;
  const invalid: { name: string; failure: SpsaFailure }[] = [];
  const rows = state.params.map((param) => {
    const step = spsaStepAt(state, param, state.iter);
    if (!step.ok) invalid.push({ name: param.name, failure: step.failure });
    const { c, R } = step.ok ? step.value : { c: Number.NaN, R: Number.NaN };
    return [
      param.name,
      formatFixed(param.theta, 2),
      formatTruncatedInteger(param.start),
      formatTruncatedInteger(param.min),
      formatTruncatedInteger(param.max),
      formatFixed(c, 3),
      formatFixed(param.c_end, 3),
      formatScientific(R, 2),
      formatScientific(param.r_end, 2),
    ];
  });
  return { summary, rows, invalid };
};
