import { estimateGameDuration } from '../../src/domain/shared/time-control.js';

/*
 * The games a virtual worker "plays": no chess, game pairs drawn from a pentanomial
 * distribution, with the batch sizes and wall times the real worker would have.
 */

export interface TaskResults {
  wins: number;
  losses: number;
  draws: number;
  crashes: number;
  time_losses: number;
  pentanomial: [number, number, number, number, number];
}

export const zeroResults = (): TaskResults => ({ wins: 0, losses: 0, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 0, 0, 0] });

export const gamesOf = (results: TaskResults): number => results.wins + results.losses + results.draws;

/** Pair scores LL, LD, DD/WL, DW, WW of two equal engines with many draws. */
const PAIR_ODDS = [0.01, 0.12, 0.74, 0.12, 0.01] as const;
/** Wins and losses of a pair by score: LL, LD, DD, DW, WW. */
const PAIR_WINS = [0, 0, 0, 1, 2] as const;
const PAIR_LOSSES = [2, 1, 0, 0, 0] as const;

/** Adds `pairs` game pairs to `results` (cumulative, as the worker reports them). */
export const playPairs = (results: TaskResults, pairs: number, random: () => number = Math.random): TaskResults => {
  const next: TaskResults = { ...results, pentanomial: [...results.pentanomial] };
  for (let pair = 0; pair < pairs; pair += 1) {
    let draw = random();
    let score = 4;
    for (let s = 0; s < 5; s += 1) {
      draw -= PAIR_ODDS[s]!;
      if (draw < 0) {
        score = s;
        break;
      }
    }
    next.pentanomial[score] = (next.pentanomial[score] ?? 0) + 1;
    // LL → 2 losses, LD → a loss and a draw, DW → a draw and a win, WW → 2 wins; a pair scoring
    // 1-1 is mostly two draws, sometimes a win and a loss.
    const split = score === 2 && random() >= 0.85;
    const wins = split ? 1 : (PAIR_WINS[score] ?? 0);
    const losses = split ? 1 : (PAIR_LOSSES[score] ?? 0);
    next.wins += wins;
    next.losses += losses;
    next.draws += 2 - wins - losses;
  }
  return next;
};

/** The worker's per-batch time limit (base·3 + inc·200, scale factor 1), only used as a ratio. */
const tcLimit = (tc: string): number => {
  const [base = '0', increment = '0'] = tc.replace(/^\d+\//, '').split('+');
  const [minutes, seconds] = base.includes(':') ? base.split(':') : ['0', base];
  return (Number(minutes) * 60 + Number(seconds)) * 3 + Number(increment) * 200;
};

const LTC_LIMIT = tcLimit('60+0.6');

export interface RunShape {
  tc: string;
  threads: number;
  sprt?: { batch_size: number };
}

/** Games between two update_task calls: the SPRT batch, else 4 per game slot scaled to LTC length. */
export const batchGames = (run: RunShape, concurrency: number): number => {
  if (run.sprt !== undefined) return 2 * run.sprt.batch_size;
  const slots = Math.max(1, Math.floor(concurrency / run.threads));
  return slots * 4 * Math.max(1, Math.round(LTC_LIMIT / tcLimit(run.tc)));
};

/** Wall seconds the worker needs for `games` games (its slots play in parallel), before time compression. */
export const playSeconds = (run: RunShape, concurrency: number, games: number): number => {
  const slots = Math.max(1, Math.floor(concurrency / run.threads));
  return (games / slots) * estimateGameDuration(run.tc);
};
