import { succeed, type SpsaResult } from './failure.js';
import { pyClip, pyDiv, pyPow } from './python/arithmetic.js';
import type { SpsaParam, SpsaState, SpsaStepSize } from './types.js';

type StepSettings = Pick<SpsaState, 'A' | 'alpha' | 'gamma'>;
type StepGains = Pick<SpsaParam, 'c' | 'a'>;

/**
 * Perturbation and gain of one parameter for the step after `iter` iterations, k = iter + 1:
 * c_k = c / k^γ and R_k = a / (A + k)^α / c_k². Fails where upstream raises (c_k = 0, overflow).
 */
export const spsaStepAt = (
  settings: StepSettings,
  param: StepGains,
  iter: number,
): SpsaResult<SpsaStepSize> => {
  const k = iter + 1;
  const cDecay = pyPow(k, settings.gamma);
  if (!cDecay.ok) return cDecay;
  const c = pyDiv(param.c, cDecay.value);
  if (!c.ok) return c;
  const aDecay = pyPow(settings.A + k, settings.alpha);
  if (!aDecay.ok) return aDecay;
  const gain = pyDiv(param.a, aDecay.value);
  if (!gain.ok) return gain;
  const cSquared = pyPow(c.value, 2);
  if (!cSquared.ok) return cSquared;
  const R = pyDiv(gain.value, cSquared.value);
  if (!R.ok) return R;
  return succeed({ c: c.value, R: R.value });
};

/** theta + increment, clipped to [min, max] (the lower bound applied first, as upstream). */
export const clipSpsaValue = (
  param: Pick<SpsaParam, 'theta' | 'min' | 'max'>,
  increment: number,
): number => pyClip(param.theta + increment, param.min, param.max);
