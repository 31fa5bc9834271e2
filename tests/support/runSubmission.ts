import type { RunSubmission, SubmissionFacts } from '../../src/domain/runs/create/submission.js';

/** A new-run form as the UI sends it (values still raw), for an SPRT run unless overridden. */
export const submission = (overrides: Partial<RunSubmission> = {}): RunSubmission => ({
  username: 'RunOwner',
  baseTag: 'master',
  newTag: 'feature',
  tc: '10+0.1',
  newTc: '',
  odds: false,
  book: 'UHO_Lichess_4852_v1.epd',
  bookDepth: '8',
  baseSignature: '2050811',
  newSignature: '2050812',
  baseOptions: 'Hash=16',
  newOptions: 'Hash=16',
  testsRepo: 'https://github.com/official-stockfish/Stockfish',
  info: 'A virtual fleet test',
  useArchFilter: false,
  archFilter: '',
  useCompiler: false,
  compiler: '',
  threads: '1',
  priority: '0',
  throughput: '100',
  stopRule: 'sprt',
  eloModel: 'normalized',
  sprtElo0: '0',
  sprtElo1: '2',
  numGames: '1000',
  spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: '' },
  autoPurge: false,
  disableAdjudication: false,
  ...overrides,
});

/** What the UI would have looked up (GitHub, users, networks) for `submission()`. */
export const submissionFacts: SubmissionFacts = {
  testsRepo: 'https://github.com/official-stockfish/Stockfish',
  userRegisteredAt: Date.UTC(2020, 0, 1),
  newTagCommitMessage: 'Improve search\n\nBench: 2050812',
  resolvedBase: { sha: 'a'.repeat(40), message: 'Base commit' },
  resolvedNew: { sha: 'b'.repeat(40), message: 'New commit' },
  masterBench: '2050811',
  baseNets: ['nn-1111111111aa.nnue'],
  newNets: ['nn-1111111111aa.nnue'],
  missingNets: [],
  hostUrl: 'http://localhost',
};
