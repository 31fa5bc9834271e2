import { succeed, type SpsaResult } from './failure.js';
import { packFlips, spsaFlipsSignature } from './flips.js';
import type { SpsaFlip, SpsaState, SpsaTaskParams, SpsaWorkerData } from './types.js';
import { buildSpsaWorkerData } from './worker-data.js';

export interface SpsaIssuedStep {
  /** The `request_spsa` answer: w_params, b_params and the signature `sig`. */
  readonly response: SpsaWorkerData & { readonly sig: number };
  /** To keep on the task (replacing any previous one) until its results arrive. */
  readonly taskParams: SpsaTaskParams;
}

/** A `request_spsa` step at the state's current iteration with the given flips. */
export const issueSpsaStep = (
  state: SpsaState,
  flips: readonly SpsaFlip[],
): SpsaResult<SpsaIssuedStep> => {
  const data = buildSpsaWorkerData(state, flips);
  if (!data.ok) return data;
  const packed_flips = packFlips(flips.slice(0, state.params.length));
  return succeed({
    response: { ...data.value, sig: spsaFlipsSignature(packed_flips) },
    taskParams: { iter: state.iter, packed_flips },
  });
};
