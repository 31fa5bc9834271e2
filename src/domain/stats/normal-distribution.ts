/*
 * Standard normal CDF and quantile to (close to) full double precision, relative precision
 * included far in the lower tail, as the golden vectors from scipy's ndtr/ndtri require.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

/** erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n · x / (1·3·…·(2n+1)): all terms positive, so no cancellation. */
const erfBySeries = (x: number): number => {
  const twoXSquared = 2 * x * x;
  let term = x;
  let total = x;
  for (let n = 1; n < 500; n++) {
    term *= twoXSquared / (2 * n + 1);
    total += term;
    if (term < total * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * total;
};

/**
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), evaluated with the
 * modified Lentz method; it converges quickly for the x ≥ 2 where it is used.
 */
const erfcByContinuedFraction = (x: number): number => {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
};

export const erfc = (x: number): number => {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfBySeries(x);
  if (x > 27.3) return 0;
  return erfcByContinuedFraction(x);
};

const erf = (x: number): number => (x < 0 ? -erfBySeries(-x) : erfBySeries(x));

/**
 * Φ(x), the standard normal cumulative distribution function (scipy.stats.norm.cdf). The
 * argument is scaled and split the way Cephes' ndtr does it, so that the rounding of x/√2
 * (which dominates the error far in the tails) matches.
 */
export const normalCdf = (x: number): number => {
  const scaled = x * Math.SQRT1_2;
  const magnitude = Math.abs(scaled);
  if (magnitude < Math.SQRT1_2) return 0.5 + 0.5 * erf(scaled);
  const tail = 0.5 * erfc(magnitude);
  return scaled > 0 ? 1 - tail : tail;
};

const normalDensity = (x: number): number => Math.exp(-0.5 * x * x) / SQRT_TWO_PI;

/** Lower-tail quantile for 0 < q ≤ 0.5, polished by Halley steps on Φ(z) − q. */
const lowerTailQuantile = (q: number): number => {
  // Abramowitz & Stegun 26.2.23 (error below 4.5e-4) as the starting point.
  const t = Math.sqrt(-2 * Math.log(q));
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let step = 0; step < 6; step++) {
    const density = normalDensity(z);
    if (density === 0) break;
    const u = (normalCdf(z) - q) / density;
    if (!Number.isFinite(u)) break;
    const next = z - u / (1 + (z * u) / 2);
    if (next === z) break;
    z = next;
  }
  return z;
};

/** Φ⁻¹(p), the standard normal quantile (scipy.stats.norm.ppf). */
export const normalQuantile = (p: number): number => {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // For p > 0.5, 1 − p is exact (Sterbenz), so the upper tail loses nothing.
  return p < 0.5 ? lowerTailQuantile(p) : -lowerTailQuantile(1 - p);
};
