/**
 * The run domain's door into SPSA. ADAPTER: `src/domain/spsa` is being written in parallel;
 * until it lands these functions carry a small implementation of upstream's classic SPSA
 * (spsa_workflow.py / spsa_handler.py). Switch each body to the spsa module's function when it
 * exists; the signatures are what the run domain needs.
 */
import type { Flip } from '../events.js';
import type { SpsaHistorySample, SpsaParam, SpsaState } from '../args.js';

export interface SpsaFormInput {
  readonly algorithm?: string;
  /** A as a ratio of the number of iterations (UI default 0.1). */
  readonly A: string | number;
  readonly alpha: string | number;
  readonly gamma: string | number;
  readonly rawParams: string;
}

export type SpsaBuild = { readonly ok: true; readonly spsa: SpsaState } | { readonly ok: false; readonly message: string };

const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const finiteNumber = (value: string | number): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  if (!FLOAT_TEXT.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
};

const formatMinimum = (minimum: number): string => String(minimum);

class SpsaInputError extends Error {}

const requireNumber = (
  value: string | number,
  field: string,
  options: { line?: number; minimum?: number; strict?: boolean } = {},
): number => {
  const number = finiteNumber(value);
  const location = options.line !== undefined ? `line ${options.line} field ${field}` : field;
  if (number === undefined) throw new SpsaInputError(`Invalid SPSA ${location}: expected a finite number`);
  if (options.minimum === undefined) return number;
  if (options.strict ? number <= options.minimum : number < options.minimum) {
    const relation = options.strict ? '>' : '>=';
    throw new SpsaInputError(`Invalid SPSA ${location}: expected a finite number ${relation} ${formatMinimum(options.minimum)}`);
  }
  return number;
};

/** Python's repr of the split line, as upstream puts it in its "does not have 6 entries" message. */
const pythonListRepr = (chunks: readonly string[]): string =>
  `[${chunks.map((chunk) => `'${chunk.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;

/** Upstream `build_spsa_state`: hyperparameters and parameters of a new classic SPSA run. */
export const buildSpsaState = (input: SpsaFormInput, numGames: number): SpsaBuild => {
  try {
    const algorithm = input.algorithm ?? 'classic';
    if (algorithm !== 'classic') throw new SpsaInputError(`Unknown SPSA algorithm: ${algorithm}`);
    const aRatio = requireNumber(input.A, 'A ratio', { minimum: 0 });
    const alpha = requireNumber(input.alpha, 'alpha', { minimum: 0 });
    const gamma = requireNumber(input.gamma, 'gamma', { minimum: 0 });
    const A = Math.trunc((aRatio * numGames) / 2);
    const numIter = Math.floor(numGames / 2);
    const params: SpsaParam[] = [];
    input.rawParams.split('\n').forEach((line, index) => {
      const chunks = line.trim().split(',');
      if (chunks.length === 1 && chunks[0] === '') return;
      if (chunks.length !== 6) throw new SpsaInputError(`the line ${pythonListRepr(chunks)} does not have 6 entries`);
      const lineNumber = index + 1;
      const [name = '', start = '', min = '', max = '', cEnd = '', rEnd = ''] = chunks;
      const param = {
        name,
        start: requireNumber(start, 'start', { line: lineNumber }),
        min: requireNumber(min, 'min', { line: lineNumber }),
        max: requireNumber(max, 'max', { line: lineNumber }),
        c_end: requireNumber(cEnd, 'c_end', { line: lineNumber, minimum: 0, strict: true }),
        r_end: requireNumber(rEnd, 'r_end', { line: lineNumber, minimum: 0 }),
      };
      const c = param.c_end * numIter ** gamma;
      const aEnd = param.r_end * param.c_end ** 2;
      params.push({ ...param, c, a_end: aEnd, a: aEnd * (A + numIter) ** alpha, theta: param.start });
    });
    return {
      ok: true,
      spsa: { algorithm: 'classic', A, alpha, gamma, raw_params: input.rawParams, iter: 0, num_iter: numIter, params },
    };
  } catch (error) {
    if (error instanceof SpsaInputError) return { ok: false, message: error.message };
    throw error;
  }
};

/** Step size c_k and gain R_k of one parameter at iteration k = iter + 1. */
const stepAt = (spsa: SpsaState, param: SpsaParam, iter: number): { c: number; R: number } => {
  const k = iter + 1;
  const c = param.c / k ** spsa.gamma;
  return { c, R: param.a / (spsa.A + k) ** spsa.alpha / c ** 2 };
};

const clip = (param: SpsaParam, value: number): number => Math.min(Math.max(value, param.min), param.max);

/** Bits of the flips, first flip in the most significant bit of byte 0, 1 ↔ +1 (numpy packbits). */
export const packFlips = (flips: readonly Flip[]): Uint8Array => {
  const bytes = new Uint8Array(Math.ceil(flips.length / 8));
  flips.forEach((flip, index) => {
    if (flip === 1) bytes[index >> 3] = (bytes[index >> 3] ?? 0) | (0x80 >> (index & 7));
  });
  return bytes;
};

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const crc32 = (bytes: Uint8Array): number => {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

/** The `sig` the worker must echo: crc32 of the packed flips. */
export const spsaSignature = (flips: readonly Flip[]): number => crc32(packFlips(flips));

export interface SpsaWorkerStep {
  readonly w_params: readonly { name: string; value: number; c: number; R: number; flip: Flip }[];
  readonly b_params: readonly { name: string; value: number }[];
  readonly sig: number;
}

/** The request_spsa reply for a step issued at `iter` with these flips. */
export const spsaWorkerStep = (spsa: SpsaState, iter: number, flips: readonly Flip[]): SpsaWorkerStep => ({
  w_params: spsa.params.map((param, index) => {
    const flip = flips[index] ?? 1;
    const { c, R } = stepAt(spsa, param, iter);
    return { name: param.name, value: clip(param, param.theta + c * flip), c, R, flip };
  }),
  b_params: spsa.params.map((param, index) => {
    const flip = flips[index] ?? 1;
    const { c } = stepAt(spsa, param, iter);
    return { name: param.name, value: clip(param, param.theta - c * flip) };
  }),
  sig: spsaSignature(flips),
});

export interface SpsaBatchResult {
  readonly wins: number;
  readonly losses: number;
  readonly num_games: number;
}

export interface SpsaUpdate {
  readonly iter: number;
  readonly thetas: readonly number[];
  readonly historySample?: readonly SpsaHistorySample[];
}

/** History sampling period in iterations (about 100 samples per run, fewer for many params). */
const historyPeriod = (numIter: number, paramCount: number): number => {
  if (numIter <= 0 || paramCount <= 0) return 0;
  const samples = paramCount < 100 ? 100 : paramCount < 1000 ? 10000 / paramCount : 1;
  return numIter / samples;
};

/**
 * Upstream `update_spsa_data` once the signature matched: advance `iter` by the batch's game
 * pairs and move each θ by R·c·(wins − losses)·flip (clipped), recording a history sample
 * when one is due.
 */
export const applySpsaBatch = (
  spsa: SpsaState,
  step: { iter: number; flips: readonly Flip[] },
  batch: SpsaBatchResult,
  runNumGames: number,
): SpsaUpdate => {
  const result = batch.wins - batch.losses;
  const iter = spsa.iter + Math.floor(batch.num_games / 2);
  const steps = spsa.params.map((param, index) => ({ ...stepAt(spsa, param, step.iter), flip: step.flips[index] ?? 1 }));
  const thetas = spsa.params.map((param, index) => {
    const { c, R, flip } = steps[index] ?? { c: 0, R: 0, flip: 1 };
    return clip(param, param.theta + R * c * result * flip);
  });
  const period = historyPeriod(runNumGames / 2, spsa.params.length);
  const historyLength = spsa.param_history?.length ?? 0;
  const due = period > 0 && historyLength + 1 <= iter / period;
  return {
    iter,
    thetas,
    ...(due
      ? { historySample: thetas.map((theta, index) => ({ theta, R: steps[index]?.R ?? 0, c: steps[index]?.c ?? 0 })) }
      : {}),
  };
};
