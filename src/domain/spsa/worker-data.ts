import { fail, succeed, type SpsaResult } from './failure.js';
import { clipSpsaValue, spsaStepAt } from './step.js';
import type {
  SpsaBlackParam,
  SpsaFlip,
  SpsaState,
  SpsaWhiteParam,
  SpsaWorkerData,
} from './types.js';

/** A uniform ±1 per parameter from an injected source of uniform numbers in [0, 1). */
export const drawSpsaFlips = (count: number, random: () => number): SpsaFlip[] =>
  Array.from({ length: count }, () => (random() < 0.5 ? -1 : 1));

/**
 * The values both engines play with for the step after `iter` iterations (default: the state's
 * own): white gets θ + c_k·flip and black θ − c_k·flip, each clipped to [min, max].
 */
export const buildSpsaWorkerData = (
  state: SpsaState,
  flips: readonly SpsaFlip[],
  iter: number = state.iter,
): SpsaResult<SpsaWorkerData> => {
  if (flips.length < state.params.length) {
    return fail(
      'invalid-input',
      `${state.params.length} SPSA params need as many flips, got ${flips.length}`,
    );
  }
  const w_params: SpsaWhiteParam[] = [];
  const b_params: SpsaBlackParam[] = [];
  for (const [index, param] of state.params.entries()) {
    const flip = flips[index]!;
    const step = spsaStepAt(state, param, iter);
    if (!step.ok) return step;
    const { c, R } = step.value;
    w_params.push({ name: param.name, value: clipSpsaValue(param, c * flip), c, R, flip });
    b_params.push({ name: param.name, value: clipSpsaValue(param, -c * flip) });
  }
  return succeed({ w_params, b_params });
};
