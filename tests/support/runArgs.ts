import { newSprt } from '../../src/domain/runs/adapters/stats.js';
import { buildSpsaState } from '../../src/domain/runs/adapters/spsa.js';
import type { RunArgs } from '../../src/domain/runs/args.js';
import { sprtBatchSizePairs } from '../../src/domain/shared/time-control.js';

/** Arguments of a fixed-games run, as upstream's API tests create them (`new_run` with a few overrides). */
export const fixedGamesArgs = (overrides: Partial<RunArgs> = {}): RunArgs => ({
  base_tag: 'master',
  new_tag: 'master',
  base_nets: ['nn-0000000000a0.nnue'],
  new_nets: ['nn-0000000000a0.nnue'],
  num_games: 400,
  tc: '10+0.01',
  new_tc: '10+0.01',
  book: 'book.pgn',
  book_depth: '10',
  threads: 1,
  resolved_base: '347d613b0e2c47f90cbf1c5a5affe97303f1ac3d',
  resolved_new: '347d613b0e2c47f90cbf1c5a5affe97303f1ac3d',
  msg_base: 'Base',
  msg_new: 'New',
  base_options: 'Hash=16',
  new_options: 'Hash=16',
  info: 'Worker API test run',
  base_signature: '123456',
  new_signature: '654321',
  username: 'RunOwner',
  tests_repo: 'https://github.com/official-stockfish/Stockfish',
  auto_purge: false,
  throughput: 100,
  itp: 100,
  priority: 0,
  adjudication: true,
  ...overrides,
});

/** An SPRT run; the batch size follows the time control as at creation unless `batchSize` says otherwise. */
export const sprtRunArgs = (
  overrides: Partial<RunArgs> = {},
  design: { elo0?: number; elo1?: number; batchSize?: number } = {},
): RunArgs => {
  const tc = overrides.tc ?? '10+0.1';
  const threads = overrides.threads ?? 1;
  return fixedGamesArgs({
    tc,
    new_tc: tc,
    num_games: 800_000,
    sprt: newSprt({
      elo0: design.elo0 ?? 0,
      elo1: design.elo1 ?? 2,
      eloModel: 'normalized',
      batchSize: design.batchSize ?? sprtBatchSizePairs(tc, threads),
    }),
    ...overrides,
  });
};

/** An SPSA run tuning `rawParams` (one "name,start,min,max,c_end,r_end" line per parameter). */
export const spsaRunArgs = (overrides: Partial<RunArgs> = {}, rawParams = 'Foo,50,0,100,5,0.01'): RunArgs => {
  const numGames = overrides.num_games ?? 1000;
  const built = buildSpsaState({ A: '0.1', alpha: '0.602', gamma: '0.101', rawParams }, numGames);
  if (!built.ok) throw new Error(built.message);
  return fixedGamesArgs({ num_games: numGames, spsa: built.spsa, ...overrides });
};
