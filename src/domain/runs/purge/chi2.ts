import { normalQuantile } from '../adapters/stats.js';
import type { TaskState } from '../state.js';

/**
 * Homogeneity test of the workers of a run (upstream `util.get_chi2`): one row per worker
 * (unique_key) of game-pair outcomes [wins, losses, draws] = [p4+p3, p0+p1, p2], a χ² test
 * over the table, and for each worker a residual — its own 2×3 χ² (the worker against all
 * others) turned into a standard normal z — with Bonferroni-corrected 95%/99% thresholds.
 */
export interface Chi2Result {
  readonly chi2: number;
  readonly dof: number;
  readonly p: number;
  /** z-residual per unique_key, capped below at 0, in first-seen order. */
  readonly residual: ReadonlyMap<string, number>;
  readonly z95: number;
  readonly z99: number;
}

const NO_RESULT: Chi2Result = { chi2: NaN, dof: 0, p: NaN, residual: new Map(), z95: NaN, z99: NaN };

const COLUMNS = 3;

/** Upper tail of χ² with an even number of degrees of freedom: e^(−x/2)·Σ_{i<k/2} (x/2)^i/i!. */
export const chiSquaredSurvivalEven = (x: number, dof: number): number => {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  const half = x / 2;
  const terms = dof / 2;
  // Sum in log space: for large x the first terms underflow while the later ones do not.
  const logTerms: number[] = [];
  let logTerm = -half;
  for (let i = 0; i < terms; i++) {
    if (i > 0) logTerm += Math.log(half) - Math.log(i);
    logTerms.push(logTerm);
  }
  const largest = Math.max(...logTerms);
  const total = logTerms.reduce((sum, term) => sum + Math.exp(term - largest), 0);
  return Math.min(1, Math.exp(largest) * total);
};

/** Standard normal inverse survival function: z with P(Z > z) = q. */
const normalIsf = (q: number): number => -normalQuantile(q);

export const chi2OfTasks = (tasks: Iterable<TaskState>, excludedWorkers: ReadonlySet<string> = new Set()): Chi2Result => {
  const rows = new Map<string, [number, number, number]>();
  for (const task of tasks) {
    if (task.bad) continue;
    const key = task.workerInfo.unique_key;
    if (excludedWorkers.has(key)) continue;
    const [p0, p1, p2, p3, p4] = task.stats.pentanomial;
    const row = rows.get(key) ?? [0, 0, 0];
    rows.set(key, [row[0] + p4 + p3, row[1] + p0 + p1, row[2] + p2]);
  }

  // Drop workers with an expected count ≤ 5 in any cell (they break the test), until none is left.
  let observed: [string, readonly number[]][];
  let rowSums: number[];
  let columnSums: number[];
  let grandTotal: number;
  let expected: number[][];
  for (;;) {
    if (rows.size <= 1) return NO_RESULT;
    observed = [...rows.entries()];
    columnSums = [0, 1, 2].map((column) => observed.reduce((sum, [, row]) => sum + (row[column] ?? 0), 0));
    rowSums = observed.map(([, row]) => row.reduce((sum, count) => sum + count, 0));
    grandTotal = columnSums.reduce((sum, count) => sum + count, 0);
    if (grandTotal === 0) return NO_RESULT;
    const total = grandTotal;
    const columns = columnSums;
    expected = rowSums.map((rowSum) => columns.map((columnSum) => (rowSum * columnSum) / total));
    let dropped = false;
    observed.forEach(([key], index) => {
      if (Math.min(...(expected[index] ?? [])) <= 5) {
        rows.delete(key);
        dropped = true;
      }
    });
    if (!dropped) break;
  }

  const rowCount = observed.length;
  const dof = (rowCount - 1) * (COLUMNS - 1);
  const rowChi2 = observed.map(([, row], index) =>
    row.reduce((sum, count, column) => {
      const e = expected[index]?.[column] ?? NaN;
      return sum + (count - e) ** 2 / e;
    }, 0),
  );
  const chi2 = rowChi2.reduce((sum, value) => sum + value, 0);
  const p = chiSquaredSurvivalEven(chi2, dof);
  const residual = new Map<string, number>();
  observed.forEach(([key], index) => {
    // The χ² of the 2×3 table "this worker against all the others", with 2 degrees of freedom.
    const adjusted = (rowChi2[index] ?? NaN) / (1 - (rowSums[index] ?? NaN) / grandTotal);
    const z = normalIsf(chiSquaredSurvivalEven(adjusted, COLUMNS - 1));
    residual.set(key, z > 0 ? z : 0);
  });
  return {
    chi2,
    dof,
    p,
    residual,
    z95: normalQuantile(1 - 0.05 / rowCount),
    z99: normalQuantile(1 - 0.01 / rowCount),
  };
};

export type ResidualColorName = 'green' | 'yellow' | 'red';

export const residualToColor = (residual: number, chi2: Pick<Chi2Result, 'z95' | 'z99'>): ResidualColorName => {
  if (Math.abs(residual) < chi2.z95) return 'green';
  if (Math.abs(residual) < chi2.z99) return 'yellow';
  return 'red';
};

/**
 * Upstream `get_bad_workers`: up to `iterations` times, among the workers not yet condemned,
 * the one with the largest residual is bad if the table fails the test (p below the
 * threshold) or its own residual is above the residual threshold.
 */
export const findBadWorkers = (
  tasks: readonly TaskState[],
  first: Chi2Result,
  thresholds: { p: number; residual: number },
  iterations: number,
): Set<string> => {
  const bad = new Set<string>();
  for (let iteration = 0; iteration < iterations; iteration++) {
    const chi2 = iteration === 0 ? first : chi2OfTasks(tasks, bad);
    let worst: { key: string; residual: number } | undefined;
    for (const [key, residual] of chi2.residual) {
      if (bad.has(key)) continue;
      if (chi2.p < thresholds.p || residual > thresholds.residual) {
        if (worst === undefined || residual > worst.residual) worst = { key, residual };
      }
    }
    if (worst === undefined) break;
    bad.add(worst.key);
  }
  return bad;
};
