/**
 * Python's float formatting (`'{:.Nf}'`, `'{:.Ne}'`, `str(int(x))`). JavaScript's `toFixed` and
 * `toExponential` round exact ties away from zero, print `-0` as `0`, switch to exponent form
 * beyond 1e21 and write `e+5` for `e+05`; these functions work on the exact binary value with
 * BigInt instead, rounding ties to even as CPython does.
 */

interface ExactValue {
  readonly negative: boolean;
  /** |x| = numerator / denominator exactly (the denominator is a power of two). */
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const exactValue = (x: number): ExactValue => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const negative = high >>> 31 === 1;
  const biasedExponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent = -1074;
  if (biasedExponent !== 0) {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  return exponent >= 0
    ? { negative, numerator: mantissa << BigInt(exponent), denominator: 1n }
    : { negative, numerator: mantissa, denominator: 1n << BigInt(-exponent) };
};

const divideHalfEven = (numerator: bigint, denominator: bigint): bigint => {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
};

const nonFinite = (x: number): string | undefined => {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return undefined;
};

/** Python's `format(x, '.{digits}f')`. */
export const formatFixed = (x: number, digits: number): string => {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const { negative, numerator, denominator } = exactValue(x);
  const scaled = divideHalfEven(numerator * 10n ** BigInt(digits), denominator);
  const text = scaled.toString().padStart(digits + 1, '0');
  const integerPart = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${integerPart}${fraction}`;
};

/** Python's `format(x, '.{digits}e')`. */
export const formatScientific = (x: number, digits: number): string => {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const { negative, numerator, denominator } = exactValue(x);
  const sign = negative ? '-' : '';
  if (numerator === 0n) {
    return `${sign}0${digits > 0 ? `.${'0'.repeat(digits)}` : ''}e+00`;
  }
  // Find e with 10^e <= |x| < 10^(e+1), starting from the floating-point estimate.
  let decimalExponent = Math.floor(Math.log10(Math.abs(x)));
  const atLeastPowerOfTen = (e: number): boolean =>
    e >= 0 ? numerator >= 10n ** BigInt(e) * denominator : numerator * 10n ** BigInt(-e) >= denominator;
  while (!atLeastPowerOfTen(decimalExponent)) decimalExponent -= 1;
  while (atLeastPowerOfTen(decimalExponent + 1)) decimalExponent += 1;

  const shift = digits - decimalExponent;
  let significand =
    shift >= 0
      ? divideHalfEven(numerator * 10n ** BigInt(shift), denominator)
      : divideHalfEven(numerator, denominator * 10n ** BigInt(-shift));
  if (significand === 10n ** BigInt(digits + 1)) {
    significand /= 10n;
    decimalExponent += 1;
  }
  const text = significand.toString();
  const fraction = digits > 0 ? `.${text.slice(1)}` : '';
  const exponentSign = decimalExponent < 0 ? '-' : '+';
  const exponentDigits = String(Math.abs(decimalExponent)).padStart(2, '0');
  return `${sign}${text.slice(0, 1)}${fraction}e${exponentSign}${exponentDigits}`;
};

/**
 * Python's `str(int(x))` (truncation toward zero, every digit of large values). Upstream raises
 * for NaN and infinities; those render as 'nan', 'inf' and '-inf' here.
 */
export const formatTruncatedInteger = (x: number): string =>
  nonFinite(x) ?? BigInt(Math.trunc(x)).toString();
