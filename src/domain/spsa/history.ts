import type { SpsaHistorySample, SpsaState, SpsaStepSize } from './types.js';

/**
 * Iterations between two history samples: about 100 samples per run, fewer when there are
 * many parameters (10000 / n from 100 parameters, 1 from 1000). 0 means no history.
 */
export const spsaHistoryPeriod = (numIter: number, paramCount: number): number => {
  if (numIter <= 0 || paramCount <= 0) return 0;
  const samples = paramCount < 100 ? 100 : paramCount < 1000 ? 10000 / paramCount : 1;
  return numIter / samples;
};

/**
 * After an update, records {theta, R, c} of every parameter if the run has gone past the next
 * sampling point (at most one sample per update). `runNumGames` is the run's game budget;
 * `steps` are the step sizes the update used, one per parameter.
 */
export const recordSpsaHistory = (
  state: SpsaState,
  runNumGames: number,
  steps: readonly SpsaStepSize[],
): SpsaState => {
  const period = spsaHistoryPeriod(runNumGames / 2, state.params.length);
  if (period <= 0) return state;
  const history = state.param_history ?? [];
  if (history.length + 1 > state.iter / period) {
    return state.param_history === undefined ? { ...state, param_history: history } : state;
  }
  const sample: SpsaHistorySample = state.params.map((param, index) => ({
    theta: param.theta,
    R: steps[index]!.R,
    c: steps[index]!.c,
  }));
  return { ...state, param_history: [...history, sample] };
};
