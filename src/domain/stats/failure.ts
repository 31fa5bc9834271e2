/**
 * Why a statistic could not be computed. Each code names the upstream Fishtest behaviour it
 * replaces (an exception, a failed assertion, a NaN or a non-terminating loop).
 */
export type StatsFailureCode =
  /** Python ZeroDivisionError. */
  | 'division-by-zero'
  /** Python OverflowError (math.exp or float ** beyond the double range). */
  | 'overflow'
  /** Python ValueError "math domain error" (log of a non-positive number, sqrt of a negative one). */
  | 'math-domain'
  /** `secular()`: the shifted support does not straddle zero, so the MLE does not exist. */
  | 'secular-no-straddle'
  /** Brent's method: the function has the same sign at both ends of the bracket. */
  | 'root-not-bracketed'
  /** Brent's method: the function returned NaN. */
  | 'root-nan'
  /** Brent's method: no convergence within its iteration budget. */
  | 'root-not-converged'
  /** An MLE failed its own validation (upstream `assert abs(s - s_) < 1e-6` and similar). */
  | 'mle-check-failed'
  /** A distribution failed the checks of `stats()` (probabilities out of range, total not 1). */
  | 'invalid-distribution'
  /** Probabilities outside (0, 1) handed to a BayesElo conversion. */
  | 'probability-out-of-range'
  /** The Brownian outcome probability left [-1e-3, 1 + 1e-3]. */
  | 'outcome-out-of-range'
  /** An iteration that upstream would repeat forever (or until memory runs out). */
  | 'no-termination'
  /** Results or parameters outside the domain (negative counts, wrong length, bad model...). */
  | 'invalid-input';

export interface StatsFailure {
  readonly code: StatsFailureCode;
  readonly detail: string;
}

export type StatsResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: StatsFailure };

export const succeed = <T>(value: T): StatsResult<T> => ({ ok: true, value });

/**
 * Deep numeric code (root finding inside root finding) reports failures by throwing this
 * private error; every function exported from `index.ts` converts it into a `StatsResult`
 * with `attempt`, so callers of the module never see an exception.
 */
export class StatsAbort extends Error {
  override readonly name = 'StatsAbort';
  constructor(readonly failure: StatsFailure) {
    super(`${failure.code}: ${failure.detail}`);
  }
}

export const abort = (code: StatsFailureCode, detail: string): never => {
  throw new StatsAbort({ code, detail });
};

export const attempt = <T>(compute: () => T): StatsResult<T> => {
  try {
    return { ok: true, value: compute() };
  } catch (error) {
    if (error instanceof StatsAbort) return { ok: false, failure: error.failure };
    throw error;
  }
};

/** Unwraps a result inside code that itself runs under `attempt`. */
export const orAbort = <T>(result: StatsResult<T>): T =>
  result.ok ? result.value : abort(result.failure.code, result.failure.detail);
