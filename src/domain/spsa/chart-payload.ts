import { chartSampleIters, type ChartSample } from './chart-iterations.js';
import { pyClip, pyDiv, pyPow } from './python/arithmetic.js';

type Maybe = number | null | undefined;

/** The SPSA block of a stored run as the chart reads it; numbers may be missing or non-finite. */
export interface SpsaChartSource {
  readonly iter?: Maybe;
  readonly gamma?: Maybe;
  readonly num_iter?: Maybe;
  readonly params?: readonly {
    readonly name?: string;
    readonly start?: Maybe;
    readonly theta?: Maybe;
    readonly c?: Maybe;
  }[];
  readonly param_history?: readonly (readonly { readonly theta?: Maybe; readonly c?: Maybe }[])[];
}

/** The first row: every parameter at its start value. */
export interface SpsaChartStartRow {
  readonly iter_ratio: number;
  readonly values: readonly number[];
}

/** A history sample or the live point; a c value is null where it is unknown or non-finite. */
export interface SpsaChartRow extends SpsaChartStartRow {
  readonly c_values: readonly (number | null)[];
}

export interface SpsaChartPayload {
  readonly param_names: readonly string[];
  readonly chart_rows: readonly [SpsaChartStartRow, ...SpsaChartRow[]];
}

const finite = (value: Maybe): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

const numbersMatch = (left: number | null, right: number | null): boolean =>
  left !== null && right !== null && (left === right || Math.abs(left - right) <= 1e-9);

const sampleMatches = (sample: ChartSample | undefined, live: ChartSample): boolean =>
  sample !== undefined &&
  sample.length > 0 &&
  sample.length === live.length &&
  sample.every(
    (entry, index) =>
      numbersMatch(entry.theta, live[index]!.theta) && numbersMatch(entry.c, live[index]!.c),
  );

const iterRatio = (iter: number, numIter: number): number =>
  numIter > 0 ? pyClip(iter / numIter, 0, 1) : 0;

/** c of the current iteration: c / (iter + 1)^γ, null when it cannot be computed. */
const liveC = (baseC: number | null, iterPlusOne: number, gamma: number): number | null => {
  if (baseC === null) return null;
  const decay = pyPow(iterPlusOne, gamma);
  if (!decay.ok) return null;
  const c = pyDiv(baseC, decay.value);
  return c.ok ? finite(c.value) : null;
};

/**
 * The parameter chart of the run page: a start row, one row per history sample at its
 * recovered iteration, and a live row for the current state unless the last sample already
 * shows it. `undefined` for a run without SPSA (upstream answers `{}`).
 */
export const buildSpsaChartPayload = (
  spsa: SpsaChartSource | undefined,
): SpsaChartPayload | undefined => {
  if (spsa === undefined) return undefined;
  const iter = finite(spsa.iter) ?? 0;
  const gamma = finite(spsa.gamma) ?? 0;
  const numIter = finite(spsa.num_iter) ?? 0;
  const params = spsa.params ?? [];

  const baseCs = params.map((param) => finite(param.c));
  const live: ChartSample = params.map((param, index) => ({
    theta: finite(param.theta) ?? 0,
    c: liveC(baseCs[index]!, iter + 1, gamma),
  }));
  const history: ChartSample[] = (spsa.param_history ?? [])
    .filter((sample) => sample.length > 0)
    .map((sample) => sample.map((entry) => ({ theta: finite(entry.theta), c: finite(entry.c) })));

  const startValues = params.map((param) => finite(param.start) ?? finite(param.theta) ?? 0);
  const startRow: SpsaChartStartRow = { iter_ratio: 0, values: startValues };
  const payload = (rows: SpsaChartRow[]): SpsaChartPayload => ({
    param_names: params.map((param) => param.name ?? ''),
    chart_rows: [startRow, ...rows],
  });
  if (history.length === 0) return payload([]);

  const lastMatchesLive = sampleMatches(history[history.length - 1], live);
  const hasLivePoint = !lastMatchesLive;
  const sampleIters = chartSampleIters(history, baseCs, gamma, { iter, numIter, hasLivePoint });
  if (sampleIters.length > 0 && iter > 0 && lastMatchesLive) {
    sampleIters[sampleIters.length - 1] = iter;
  }

  const rows: SpsaChartRow[] = [];
  const current = [...startValues];
  history.forEach((sample, sampleIndex) => {
    const sampleIter = sampleIters[sampleIndex];
    if (sampleIter === undefined) return;
    const c_values = current.map((_, index) => sample[index]?.c ?? null);
    current.forEach((value, index) => {
      current[index] = sample[index]?.theta ?? value;
    });
    rows.push({ iter_ratio: iterRatio(sampleIter, numIter), values: [...current], c_values });
  });

  if (iter > 0 && hasLivePoint) {
    rows.push({
      iter_ratio: iterRatio(iter, numIter),
      values: live.map((entry) => entry.theta ?? 0),
      c_values: live.map((entry) => entry.c),
    });
  }
  return payload(rows);
};
