import { hashOption } from '../runs/create/engine-options.js';
import type { RunArgs } from '../runs/args.js';

// request_task checks every unfinished run against the worker's memory, and parsing both option
// strings each time was a third of that decision. Keyed by the strings, not the args: an SPRT
// run's args are a new object after every update, its option strings the same ones.
const HASH_CACHE_SIZE = 10_000;
const hashByOptions = new Map<string, number>();

const cachedHashOption = (options: string): number => {
  let hash = hashByOptions.get(options);
  if (hash === undefined) {
    if (hashByOptions.size >= HASH_CACHE_SIZE) hashByOptions.clear();
    hash = hashOption(options);
    hashByOptions.set(options, hash);
  }
  return hash;
};

/**
 * MiB a worker needs to play this run with all its cores (upstream's estimate, which the
 * worker mirrors to cap its concurrency): both engines' hash per parallel game, plus 220 for
 * fastchess and the book, 2×80 for the binaries, 64 for Python, and per engine process 12 +
 * 139 (nets) + 31 per thread.
 */
export const memoryNeeded = (args: Pick<RunArgs, 'base_options' | 'new_options' | 'threads'>, concurrency: number): number => {
  const parallelGames = Math.floor(concurrency / args.threads);
  const hash = (cachedHashOption(args.new_options) + cachedHashOption(args.base_options)) * parallelGames;
  const base = 220 + 2 * 80 + 64 + 2 * parallelGames * (12 + 139 + 31 * args.threads);
  return base + hash;
};
