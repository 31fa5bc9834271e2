/**
 * The run domain's door into `src/domain/spsa`: everything the run and task deciders need
 * from SPSA, in the shapes they use (flips as ±1 arrays, because events are JSON).
 */
import {
  applySpsaResults,
  buildSpsaState as buildState,
  drawSpsaFlips,
  issueSpsaStep,
  packFlips,
  requireSpsaParams,
  spsaFlipsSignature,
  spsaRunAcceptsMoreCores,
  type SpsaFlip,
  type SpsaHistorySample,
  type SpsaState,
  type SpsaWorkerData,
} from '../../spsa/index.js';

export interface SpsaFormInput {
  readonly algorithm?: string;
  /** A as a ratio of the number of iterations (UI default 0.1). */
  readonly A: string | number;
  readonly alpha: string | number;
  readonly gamma: string | number;
  readonly rawParams: string;
}

export type SpsaBuild = { readonly ok: true; readonly spsa: SpsaState } | { readonly ok: false; readonly message: string };

/** Upstream `build_spsa_state` plus the form's "at least one parameter" rule. */
export const buildSpsaState = (input: SpsaFormInput, numGames: number): SpsaBuild => {
  const built = buildState(
    { ...(input.algorithm !== undefined ? { algorithm: input.algorithm } : {}), A: input.A, alpha: input.alpha, gamma: input.gamma, raw_params: input.rawParams },
    numGames,
  );
  if (!built.ok) return { ok: false, message: built.failure.message };
  return { ok: true, spsa: built.value };
};

export const requireParams = (spsa: SpsaState): SpsaBuild => {
  const checked = requireSpsaParams(spsa);
  return checked.ok ? { ok: true, spsa: checked.value } : { ok: false, message: checked.failure.message };
};

/** One ±1 per parameter from the injected uniform source. */
export const drawFlips = (spsa: SpsaState, random: () => number): SpsaFlip[] => drawSpsaFlips(spsa.params.length, random);

/** The `sig` the worker must echo: CRC-32 of the packed flips. */
export const spsaSignature = (flips: readonly SpsaFlip[]): number => spsaFlipsSignature(packFlips(flips));

export type SpsaWorkerStep = SpsaWorkerData & { readonly sig: number };

/** The request_spsa reply for a step at the state's iteration with these flips, or why it cannot be computed. */
export const spsaWorkerStep = (spsa: SpsaState, flips: readonly SpsaFlip[]): { ok: true; step: SpsaWorkerStep } | { ok: false; message: string } => {
  const issued = issueSpsaStep(spsa, flips);
  return issued.ok ? { ok: true, step: issued.value.response } : { ok: false, message: issued.failure.message };
};

export interface SpsaBatchResult {
  readonly wins: number;
  readonly losses: number;
  readonly draws: number;
  readonly num_games: number;
  readonly sig: number;
}

export type SpsaBatchOutcome =
  | { readonly kind: 'applied'; readonly iter: number; readonly thetas: readonly number[]; readonly historySample?: SpsaHistorySample }
  | { readonly kind: 'signature-mismatch' }
  | { readonly kind: 'step-failed'; readonly message: string };

/**
 * Upstream `update_spsa_data` for a task that holds a step: the batch moves θ when the
 * signature matches the step's flips.
 */
export const applySpsaBatch = (
  spsa: SpsaState,
  step: { iter: number; flips: readonly SpsaFlip[] },
  batch: SpsaBatchResult,
  runNumGames: number,
): SpsaBatchOutcome => {
  const outcome = applySpsaResults(spsa, { iter: step.iter, packed_flips: packFlips(step.flips) }, batch, runNumGames);
  switch (outcome.kind) {
    case 'applied': {
      const before = spsa.param_history?.length ?? 0;
      const history = outcome.state.param_history ?? [];
      const sample = history.length > before ? history[history.length - 1] : undefined;
      return {
        kind: 'applied',
        iter: outcome.state.iter,
        thetas: outcome.state.params.map((param) => param.theta),
        ...(sample !== undefined ? { historySample: sample } : {}),
      };
    }
    case 'skipped':
      return outcome.reason === 'signature-mismatch' ? { kind: 'signature-mismatch' } : { kind: 'step-failed', message: 'no step' };
    case 'failed':
      return { kind: 'step-failed', message: outcome.failure.message };
  }
};

/** The scheduler's SPSA core cap: no new task above 200000/√(number of params) cores. */
export const spsaAcceptsMoreCores = (spsa: SpsaState, cores: number): boolean => spsaRunAcceptsMoreCores(cores, spsa.params.length);
