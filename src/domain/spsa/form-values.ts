import { readSpsaAlgorithm } from './algorithm.js';
import { SPSA_FORM_DEFAULTS } from './build-state.js';
import { succeed, type SpsaResult } from './failure.js';
import { pyRoundHalfEven } from './python/arithmetic.js';
import type { SpsaAlgorithm, SpsaState } from './types.js';

/** What the new-run form shows in its SPSA fields (A as a ratio, not an iteration count). */
export interface SpsaFormValues {
  readonly algorithm: SpsaAlgorithm;
  readonly A: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly raw_params: string;
}

/** A stored SPSA block as it may come back from a document: any field may be missing. */
export type StoredSpsaSettings = Partial<
  Pick<SpsaState, 'A' | 'alpha' | 'gamma' | 'raw_params'> & { algorithm: string }
>;

const finiteOrUndefined = (value: number | undefined): number | undefined =>
  value !== undefined && Number.isFinite(value) ? value : undefined;

/**
 * Pre-fills the form when rescheduling a run: the defaults, overridden by the stored finite
 * values; with the run's game count, A goes back to a ratio, round(2000·A / num_games) / 1000.
 */
export const buildSpsaFormValues = (
  spsa: StoredSpsaSettings | undefined,
  numGames?: number,
): SpsaResult<SpsaFormValues> => {
  const algorithm = readSpsaAlgorithm(spsa?.algorithm);
  if (!algorithm.ok) return algorithm;
  const values = { ...SPSA_FORM_DEFAULTS, algorithm: algorithm.value };
  if (spsa === undefined) return succeed(values);

  const storedA = finiteOrUndefined(spsa.A);
  const ratio =
    storedA !== undefined && numGames !== undefined && Number.isInteger(numGames) && numGames > 0
      ? pyRoundHalfEven((1000 * 2 * storedA) / numGames) / 1000
      : storedA;
  return succeed({
    algorithm: algorithm.value,
    A: ratio ?? values.A,
    alpha: finiteOrUndefined(spsa.alpha) ?? values.alpha,
    gamma: finiteOrUndefined(spsa.gamma) ?? values.gamma,
    raw_params: spsa.raw_params ?? values.raw_params,
  });
};
