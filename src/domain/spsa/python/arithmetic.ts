import { fail, OVERFLOW_MESSAGE, succeed, type SpsaResult } from '../failure.js';

/** Python's built-in `max(a, b)`: `b` only if `b > a`, so NaN and the sign of zero follow Python. */
export const pyMax = (a: number, b: number): number => (b > a ? b : a);

/** Python's built-in `min(a, b)`: `b` only if `b < a`. */
export const pyMin = (a: number, b: number): number => (b < a ? b : a);

/** `min(max(value, low), high)` with Python's comparison semantics. */
export const pyClip = (value: number, low: number, high: number): number =>
  pyMin(pyMax(value, low), high);

/** Python's `round(x)` for a float: nearest integer, ties to even. */
export const pyRoundHalfEven = (x: number): number => {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
};

/** Python's floor division `n // d` for integers held in doubles. */
export const pyFloorDiv = (n: number, d: number): number => Math.floor(n / d);

/**
 * Python's `float ** float`: the special cases CPython handles itself, a ZeroDivisionError for
 * `0 ** negative`, a complex result for a negative base with a fractional exponent, and an
 * OverflowError when finite operands give an infinite result (underflow to 0 is silent).
 */
export const pyPow = (base: number, exponent: number): SpsaResult<number> => {
  if (exponent === 0) return succeed(1);
  if (Number.isNaN(base)) return succeed(Number.NaN);
  if (Number.isNaN(exponent)) return succeed(base === 1 ? 1 : Number.NaN);
  if (!Number.isFinite(exponent)) {
    const magnitude = Math.abs(base);
    if (magnitude === 1) return succeed(1);
    return succeed(magnitude > 1 === exponent > 0 ? Number.POSITIVE_INFINITY : 0);
  }
  if (!Number.isFinite(base)) return succeed(base ** exponent);
  if (base === 0 && exponent < 0) {
    return fail('division-by-zero', '0.0 cannot be raised to a negative power');
  }
  if (base < 0 && !Number.isInteger(exponent)) {
    return fail('complex-result', 'negative number raised to a fractional power');
  }
  if (base === 1) return succeed(1);
  const value = base ** exponent;
  if (!Number.isFinite(value)) return fail('overflow', OVERFLOW_MESSAGE);
  return succeed(value);
};

/** Python's `a / b` for floats: ZeroDivisionError when `b` is zero; overflow gives infinity. */
export const pyDiv = (a: number, b: number): SpsaResult<number> =>
  b === 0 ? fail('division-by-zero', 'float division by zero') : succeed(a / b);
