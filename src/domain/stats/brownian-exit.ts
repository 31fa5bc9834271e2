import { abort } from './failure.js';
import { divide, exp, power, sqrt } from './float-arithmetic.js';
import { normalCdf } from './normal-distribution.js';

/*
 * A Brownian motion with drift mu and volatility sigma, started at 0 and stopped when it
 * leaves (a, b): the probability that it passes "to the right" of the point (T, y), i.e. that a
 * test with these parameters has a worse outcome than one stopped at time T with value y.
 */

export interface BrownianMotion {
  readonly lower: number;
  readonly upper: number;
  readonly drift: number;
  readonly sigma: number;
}

const SERIES_TERM_LIMIT = 1e-9;
/** Upstream loops until the series terms are small; NaN terms would make it loop forever. */
const SERIES_MAX_TERMS = 1_000_000;
const OUTCOME_SLACK = 1e-3;

/** Primitive of e^(γy)·sin(nπy/A), multiplied by (2/A)·e^(−γy). */
const sinePrimitive = (n: number, gamma: number, width: number, y: number): number =>
  divide(
    2 * width * gamma * Math.sin((Math.PI * n * y) / width) - 2 * Math.PI * n * Math.cos((Math.PI * n * y) / width),
    power(width, 2) * power(gamma, 2) + power(Math.PI, 2) * n ** 2,
  );

/** Exact eigenfunction series; slow when π²σ²T/(2A²) is small. */
const outcomeBySeries = ({ lower, upper, drift, sigma }: BrownianMotion, T: number, yAtStop: number): number => {
  const sigma2 = power(sigma, 2);
  const width = upper - lower;
  const x = 0 - lower;
  const y = yAtStop - lower;
  const gamma = divide(drift, sigma2);
  const driftTerm = divide(power(drift, 2), sigma2) / 2;
  const lambda1 = (power(divide(Math.PI, width), 2) * sigma2) / 2 + driftTerm;
  const t0 = exp(-lambda1 * T - x * gamma + y * gamma);
  let total = 0;
  for (let n = 1; ; n++) {
    if (n > SERIES_MAX_TERMS) return abort('no-termination', 'Brownian outcome series does not converge');
    const lambdaN = (power(divide(n * Math.PI, width), 2) * sigma2) / 2 + driftTerm;
    const t1 = exp(-(lambdaN - lambda1) * T);
    const t3 = sinePrimitive(n, gamma, width, y);
    const t4 = Math.sin(divide(n * Math.PI * x, width));
    total += t1 * t3 * t4;
    if (Math.abs(t0 * t1 * t3) <= SERIES_TERM_LIMIT) break;
  }
  let leading: number;
  if (gamma * width > 30) {
    // avoids overflow in the general formula
    leading = exp(-2 * gamma * x);
  } else if (Math.abs(gamma * width) < 1e-8) {
    leading = divide(width - x, width);
  } else {
    leading = divide(1 - exp(2 * gamma * (width - x)), 1 - exp(2 * gamma * width));
  }
  return leading + t0 * total;
};

/** Mills-ratio tail −e^(−z²/2 + c)/√(2π)·(1/z − 1/z³), i.e. e^c·Φ(z) for very negative z. */
const scaledTail = (z: number, logScale: number): number =>
  (-exp(-power(z, 2) / 2 + logScale) / Math.sqrt(2 * Math.PI)) * (divide(1, z) - divide(1, power(z, 3)));

/** Siegmund's approximation, used when the series would converge slowly. */
const outcomeBySiegmund = ({ lower, upper, drift, sigma }: BrownianMotion, T: number, y: number): number => {
  const sigma2 = power(sigma, 2);
  const denominator = sqrt(T * sigma2);
  const offset = drift * T;
  const gamma = divide(drift, sigma2);
  const z = divide(y - offset, denominator);
  const za = divide(-y + offset + 2 * lower, denominator);
  const zb = divide(y - offset - 2 * upper, denominator);
  const t1 = normalCdf(z);
  const t2 = gamma * lower >= 5 ? scaledTail(za, 2 * gamma * lower) : exp(2 * gamma * lower) * normalCdf(za);
  const t3 = gamma * upper >= 5 ? scaledTail(zb, 2 * gamma * upper) : exp(2 * gamma * upper) * normalCdf(zb);
  return t1 + t2 - t3;
};

export const brownianOutcomeProbability = (motion: BrownianMotion, T: number, y: number): number => {
  const sigma2 = power(motion.sigma, 2);
  const gamma = divide(motion.drift, sigma2);
  const width = motion.upper - motion.lower;
  const useSiegmund = divide(sigma2 * T, power(width, 2)) < 1e-2 || Math.abs(gamma * width) > 15;
  const probability = useSiegmund ? outcomeBySiegmund(motion, T, y) : outcomeBySeries(motion, T, y);
  if (!(-OUTCOME_SLACK <= probability && probability <= 1 + OUTCOME_SLACK)) {
    abort('outcome-out-of-range', `outcome probability ${probability}`);
  }
  return probability;
};
