/**
 * Why an SPSA computation produced no value. Upstream Fishtest raises a Python exception in
 * these places; here they come back as data so callers decide what to do.
 */
export type SpsaFailureCode =
  /** A form value or parameter line upstream rejects with a ValueError (message kept verbatim). */
  | 'invalid-input'
  /** Python OverflowError: `float ** x` or `int(float)` beyond the double range. */
  | 'overflow'
  /** Python ZeroDivisionError (e.g. a step size c_k of 0). */
  | 'division-by-zero'
  /** A negative base raised to a fractional power, which Python turns into a complex number. */
  | 'complex-result';

export interface SpsaFailure {
  readonly code: SpsaFailureCode;
  /** For `invalid-input` and `overflow`, the text upstream shows to the user. */
  readonly message: string;
}

export type SpsaResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: SpsaFailure };

export const succeed = <T>(value: T): SpsaResult<T> => ({ ok: true, value });

export const fail = <T = never>(code: SpsaFailureCode, message: string): SpsaResult<T> => ({
  ok: false,
  failure: { code, message },
});

/** The text of Python's OverflowError raised by `float ** x` (errno ERANGE). */
export const OVERFLOW_MESSAGE = "(34, 'Numerical result out of range')";
