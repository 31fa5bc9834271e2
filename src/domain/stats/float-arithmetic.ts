import { abort } from './failure.js';

/*
 * IEEE arithmetic that fails where CPython's float arithmetic raises instead of returning
 * Infinity or NaN, so that our results fail exactly where upstream's do.
 */

export const divide = (numerator: number, denominator: number): number =>
  denominator === 0 ? abort('division-by-zero', `${numerator} / 0`) : numerator / denominator;

export const exp = (x: number): number => {
  const value = Math.exp(x);
  return value === Infinity && Number.isFinite(x) ? abort('overflow', `exp(${x})`) : value;
};

export const power = (base: number, exponent: number): number => {
  if (base === 0 && exponent < 0) return abort('division-by-zero', `0 ** ${exponent}`);
  const value = base ** exponent;
  if (!Number.isFinite(value) && Number.isFinite(base) && Number.isFinite(exponent)) {
    return abort('overflow', `${base} ** ${exponent}`);
  }
  return value;
};

export const square = (x: number): number => power(x, 2);

export const log = (x: number): number => (x > 0 || Number.isNaN(x) ? Math.log(x) : abort('math-domain', `log(${x})`));

export const log10 = (x: number): number =>
  x > 0 || Number.isNaN(x) ? Math.log10(x) : abort('math-domain', `log10(${x})`);

export const sqrt = (x: number): number => (x >= 0 || Number.isNaN(x) ? Math.sqrt(x) : abort('math-domain', `sqrt(${x})`));

/**
 * Python's built-in `sum()` over floats: since CPython 3.12 it adds with Neumaier's
 * compensation and applies the compensation once at the end.
 */
export const sumFloats = (values: readonly number[]): number => {
  let total = 0;
  let compensation = 0;
  for (const x of values) {
    const t = total + x;
    compensation += Math.abs(total) >= Math.abs(x) ? total - t + x : x - t + total;
    total = t;
  }
  return compensation !== 0 && Number.isFinite(compensation) ? total + compensation : total;
};

/**
 * Python's `sum()` over a list of integer counts in which some zeros were replaced by a float
 * (see `regularize`): integers are added exactly until the first float, then floats with
 * compensation and integers without it, as CPython does. Integer-valued entries count as ints.
 */
export const sumMixedCounts = (values: readonly number[]): number => {
  const isFloat = (index: number): boolean => !Number.isInteger(values[index]);
  let index = 0;
  let integerTotal = 0;
  for (; index < values.length && !isFloat(index); index++) integerTotal += values[index] ?? 0;
  if (index === values.length) return integerTotal;
  let total = integerTotal + (values[index] ?? 0);
  let compensation = 0;
  for (index++; index < values.length; index++) {
    const x = values[index] ?? 0;
    if (!isFloat(index)) {
      total += x;
      continue;
    }
    const t = total + x;
    compensation += Math.abs(total) >= Math.abs(x) ? total - t + x : x - t + total;
    total = t;
  }
  return compensation !== 0 && Number.isFinite(compensation) ? total + compensation : total;
};
