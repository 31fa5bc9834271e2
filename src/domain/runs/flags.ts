import { fixedGamesElo } from './adapters/stats.js';
import type { RunArgs } from './args.js';
import type { ResultFlags } from './events.js';
import type { Results } from '../shared/results.js';

export const NO_FLAGS: ResultFlags = { isGreen: false, isYellow: false };

/** The decision a finished run shows: the SPRT's, or for fixed games LOS < 5% / > 95%. */
export const resultState = (args: RunArgs, results: Results): '' | 'accepted' | 'rejected' => {
  if (args.sprt !== undefined) return args.sprt.state;
  const elo = fixedGamesElo(results.pentanomial);
  if (!elo.ok) return '';
  if (elo.value.los < 0.05) return 'rejected';
  if (elo.value.los > 0.95) return 'accepted';
  return '';
};

/**
 * Upstream `compute_flags` for a finished run: green when accepted, yellow when rejected
 * although it won more than it lost, none otherwise (SPSA runs and stopped SPRTs included).
 */
export const computeFlags = (args: RunArgs, results: Results): ResultFlags => {
  if (args.spsa !== undefined) return NO_FLAGS;
  const state = resultState(args, results);
  if (state === 'accepted') return { isGreen: true, isYellow: false };
  if (state === 'rejected' && results.wins > results.losses) return { isGreen: false, isYellow: true };
  return NO_FLAGS;
};
