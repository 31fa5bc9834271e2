import { hashOption } from '../runs/create/engine-options.js';
import type { RunArgs } from '../runs/args.js';

/**
 * MiB a worker needs to play this run with all its cores (upstream's estimate, which the
 * worker mirrors to cap its concurrency): both engines' hash per parallel game, plus 220 for
 * fastchess and the book, 2×80 for the binaries, 64 for Python, and per engine process 12 +
 * 139 (nets) + 31 per thread.
 */
type MemoryArgs = Pick<RunArgs, 'base_options' | 'new_options' | 'threads'>;

// request_task checks every unfinished run against the worker's memory, and parsing both option
// strings each time was a third of that decision; a run's args change only when it is modified.
const hashPerGame = new WeakMap<MemoryArgs, number>();

const bothEnginesHash = (args: MemoryArgs): number => {
  let hash = hashPerGame.get(args);
  if (hash === undefined) {
    hash = hashOption(args.new_options) + hashOption(args.base_options);
    hashPerGame.set(args, hash);
  }
  return hash;
};

export const memoryNeeded = (args: MemoryArgs, concurrency: number): number => {
  const parallelGames = Math.floor(concurrency / args.threads);
  const hash = bothEnginesHash(args) * parallelGames;
  const base = 220 + 2 * 80 + 64 + 2 * parallelGames * (12 + 139 + 31 * args.threads);
  return base + hash;
};
