/**
 * Brent's root finder (bisection, secant and inverse quadratic interpolation) with the
 * defaults and outcome rules of scipy.optimize.brentq, which upstream uses.
 */

export interface BrentOptions {
  readonly absoluteTolerance?: number;
  readonly relativeTolerance?: number;
  readonly maxIterations?: number;
}

export type BrentOutcome =
  | { readonly kind: 'root'; readonly x: number; readonly converged: boolean }
  | { readonly kind: 'not-bracketed' }
  | { readonly kind: 'nan'; readonly at: number };

const DEFAULT_ABSOLUTE_TOLERANCE = 2e-12;
const DEFAULT_RELATIVE_TOLERANCE = 4 * Number.EPSILON;
const DEFAULT_MAX_ITERATIONS = 100;

export const findRootBrent = (
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: BrentOptions = {},
): BrentOutcome => {
  const xtol = options.absoluteTolerance ?? DEFAULT_ABSOLUTE_TOLERANCE;
  const rtol = options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;

  // "previous" and "current" iterates; "contra" is the point bracketing the root with current.
  let previous = lower;
  let current = upper;
  let fPrevious = f(previous);
  if (Number.isNaN(fPrevious)) return { kind: 'nan', at: previous };
  let fCurrent = f(current);
  if (Number.isNaN(fCurrent)) return { kind: 'nan', at: current };
  if (fPrevious === 0) return { kind: 'root', x: previous, converged: true };
  if (fCurrent === 0) return { kind: 'root', x: current, converged: true };
  if (Math.sign(fPrevious) === Math.sign(fCurrent)) return { kind: 'not-bracketed' };

  let contra = 0;
  let fContra = 0;
  let stepBeforeLast = 0;
  let lastStep = 0;

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (fPrevious !== 0 && fCurrent !== 0 && Math.sign(fPrevious) !== Math.sign(fCurrent)) {
      contra = previous;
      fContra = fPrevious;
      stepBeforeLast = lastStep = current - previous;
    }
    if (Math.abs(fContra) < Math.abs(fCurrent)) {
      // Keep the best estimate in "current".
      previous = current;
      current = contra;
      contra = previous;
      fPrevious = fCurrent;
      fCurrent = fContra;
      fContra = fPrevious;
    }

    const tolerance = (xtol + rtol * Math.abs(current)) / 2;
    const bisection = (contra - current) / 2;
    if (fCurrent === 0 || Math.abs(bisection) < tolerance) return { kind: 'root', x: current, converged: true };

    if (Math.abs(stepBeforeLast) > tolerance && Math.abs(fCurrent) < Math.abs(fPrevious)) {
      let trial: number;
      if (previous === contra) {
        trial = (-fCurrent * (current - previous)) / (fCurrent - fPrevious);
      } else {
        const slopePrevious = (fPrevious - fCurrent) / (previous - current);
        const slopeContra = (fContra - fCurrent) / (contra - current);
        trial =
          (-fCurrent * (fContra * slopeContra - fPrevious * slopePrevious)) /
          (slopeContra * slopePrevious * (fContra - fPrevious));
      }
      if (2 * Math.abs(trial) < Math.min(Math.abs(stepBeforeLast), 3 * Math.abs(bisection) - tolerance)) {
        stepBeforeLast = lastStep;
        lastStep = trial;
      } else {
        stepBeforeLast = bisection;
        lastStep = bisection;
      }
    } else {
      stepBeforeLast = bisection;
      lastStep = bisection;
    }

    previous = current;
    fPrevious = fCurrent;
    current += Math.abs(lastStep) > tolerance ? lastStep : bisection > 0 ? tolerance : -tolerance;
    fCurrent = f(current);
    if (Number.isNaN(fCurrent)) return { kind: 'nan', at: current };
  }
  return { kind: 'root', x: current, converged: false };
};
