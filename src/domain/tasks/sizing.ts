import { LIMITS } from '../shared/constants.js';
import { estimateGameDuration } from '../shared/time-control.js';
import type { RunArgs } from '../runs/args.js';

/**
 * Upstream `worker_cap`: the games this worker plays in about 30 minutes of this run —
 * (1800 s / game duration) × (worker cores ÷ run threads) — rounded to a whole number of SPRT
 * batches (or of game pairs), never zero.
 */
export const workerCap = (args: Pick<RunArgs, 'tc' | 'threads' | 'sprt'>, concurrency: number): number => {
  const parallelGames = Math.floor(concurrency / args.threads);
  const games = (LIMITS.taskDurationSeconds / estimateGameDuration(args.tc)) * parallelGames;
  if (args.sprt !== undefined) {
    const batch = 2 * args.sprt.batch_size;
    return Math.max(batch, batch * Math.trunc(games / batch + 1 / 2));
  }
  return Math.max(2, 2 * Math.trunc(games / 2 + 1 / 2));
};

/**
 * Games in a new task: the worker's cap, but no more than the run still needs. For SPRT runs
 * the remainder is first rounded up to a whole batch, so the last task may overshoot a little.
 */
export const taskSize = (args: Pick<RunArgs, 'tc' | 'threads' | 'sprt'>, concurrency: number, remaining: number): number => {
  let needed = remaining;
  if (args.sprt !== undefined) {
    const batch = 2 * args.sprt.batch_size;
    needed = batch * Math.ceil(remaining / batch);
  }
  return Math.min(workerCap(args, concurrency), needed);
};
