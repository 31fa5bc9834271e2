import type { SpsaFailure } from './failure.js';
import { spsaFlipsSignature, unpackFlips } from './flips.js';
import { recordSpsaHistory } from './history.js';
import { pyFloorDiv } from './python/arithmetic.js';
import { clipSpsaValue, spsaStepAt } from './step.js';
import type {
  SpsaBatchResults,
  SpsaParam,
  SpsaState,
  SpsaStepSize,
  SpsaTaskParams,
} from './types.js';

/**
 * What happened to one batch of results. In every case the task's step is used up: the
 * caller drops the task's `SpsaTaskParams` whatever the outcome.
 */
export type SpsaUpdateOutcome =
  | { readonly kind: 'applied'; readonly state: SpsaState }
  /** The task holds no step (e.g. the server restarted since request_spsa). */
  | { readonly kind: 'skipped'; readonly reason: 'no-task-params' }
  /** The worker's `sig` is not the CRC-32 of the stored flips. */
  | { readonly kind: 'skipped'; readonly reason: 'signature-mismatch' }
  /** Upstream raises here (a step it cannot compute, too few stored flips); state unchanged. */
  | { readonly kind: 'failed'; readonly failure: SpsaFailure };

const replaySteps = (
  state: SpsaState,
  taskParams: SpsaTaskParams,
): { ok: true; steps: SpsaStepSize[]; flips: number[] } | { ok: false; failure: SpsaFailure } => {
  const steps: SpsaStepSize[] = [];
  for (const param of state.params) {
    const step = spsaStepAt(state, param, taskParams.iter);
    if (!step.ok) return step;
    steps.push(step.value);
  }
  const flips = unpackFlips(taskParams.packed_flips, state.params.length);
  if (flips.length < state.params.length) {
    const message = 'the stored SPSA flips are fewer than the params';
    return { ok: false, failure: { code: 'invalid-input', message } };
  }
  return { ok: true, steps, flips };
};

/**
 * Applies the results of one batch played with the step stored on the task: the step sizes
 * are recomputed at the stored iteration, iter advances by the number of game pairs, and
 * θ_i ← clip(θ_i + R_i · c_i · (wins − losses) · flip_i, min_i, max_i). `runNumGames` is the
 * run's game budget, which sets the history sampling period.
 */
export const applySpsaResults = (
  state: SpsaState,
  taskParams: SpsaTaskParams | undefined,
  results: SpsaBatchResults,
  runNumGames: number,
): SpsaUpdateOutcome => {
  if (taskParams === undefined) return { kind: 'skipped', reason: 'no-task-params' };
  if ((results.sig ?? 0) !== spsaFlipsSignature(taskParams.packed_flips)) {
    return { kind: 'skipped', reason: 'signature-mismatch' };
  }
  const replay = replaySteps(state, taskParams);
  if (!replay.ok) return { kind: 'failed', failure: replay.failure };

  const result = results.wins - results.losses;
  const params = state.params.map((param, index): SpsaParam => {
    const { R, c } = replay.steps[index]!;
    return { ...param, theta: clipSpsaValue(param, R * c * result * replay.flips[index]!) };
  });
  const advanced: SpsaState = {
    ...state,
    iter: state.iter + pyFloorDiv(results.num_games, 2),
    params,
  };
  return { kind: 'applied', state: recordSpsaHistory(advanced, runNumGames, replay.steps) };
};
