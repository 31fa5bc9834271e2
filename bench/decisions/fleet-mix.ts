/**
 * What the benchmark's fleet is made of: run submissions as the new-run form sends them (a mix
 * of SPRT at several time controls, fixed-games runs and a few SPSA tunes) and worker infos as
 * workers send them, each worker with its own identity and address.
 */
import type { RunSubmission, SubmissionFacts } from '../../src/domain/runs/create/submission.js';
import type { Results } from '../../src/domain/shared/results.js';
import type { WorkerInfo } from '../../src/domain/shared/worker-info.js';
import { pick, type Random } from './random.js';

export type RunKind = 'sprt' | 'games' | 'spsa';

const SHA_BASE = 'a'.repeat(40);
const SHA_NEW = 'b'.repeat(40);

export const facts: SubmissionFacts = {
  testsRepo: 'https://github.com/developer/Stockfish',
  userRegisteredAt: Date.UTC(2020, 0, 1),
  newTagCommitMessage: 'An idea\n\nBench: 2050812',
  resolvedBase: { sha: SHA_BASE, message: 'Base commit' },
  resolvedNew: { sha: SHA_NEW, message: 'New commit' },
  masterBench: '2050811',
  baseNets: ['nn-1111111111aa.nnue'],
  newNets: ['nn-1111111111aa.nnue'],
  missingNets: [],
  hostUrl: 'https://tests.example',
};

const blankSubmission: RunSubmission = {
  username: 'developer',
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
  testsRepo: 'https://github.com/developer/Stockfish',
  info: 'An idea',
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
  numGames: '',
  spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: '' },
  autoPurge: false,
  disableAdjudication: false,
};

const spsaParams = (count: number): string =>
  Array.from({ length: count }, (_, i) => `Param${i},${100 + i},0,${200 + 2 * i},${5 + (i % 7)},0.0020`).join('\n');

/**
 * The n-th run of the fleet: about 70% SPRT (STC, LTC, SMP, non-regression), 27% fixed games,
 * 3% SPSA; a few with an arch filter or a compiler requirement; 150 different owners.
 */
export const runSubmission = (n: number, random: Random): { kind: RunKind; submission: RunSubmission } => {
  const roll = random();
  const common: Partial<RunSubmission> = {
    username: `dev${Math.floor(random() * 150)}`,
    info: `Idea number ${n}`,
    throughput: String(pick(random, [100, 100, 100, 100, 50, 150, 200])),
    autoPurge: random() < 0.5,
    ...(random() < 0.04 ? { useArchFilter: true, archFilter: pick(random, ['avx512|vnni', 'avx2', 'x86-64']) } : {}),
    ...(random() < 0.02 ? { useCompiler: true, compiler: 'clang++' } : {}),
  };
  const ltc = { tc: '60+0.6', baseOptions: 'Hash=64', newOptions: 'Hash=64' };
  const submit = (kind: RunKind, extra: Partial<RunSubmission>) => ({ kind, submission: { ...blankSubmission, ...common, ...extra } });
  if (roll < 0.45) return submit('sprt', {});
  if (roll < 0.6) return submit('sprt', { ...ltc, sprtElo0: '0.5', sprtElo1: '2.5' });
  if (roll < 0.65) return submit('sprt', { tc: '5+0.05', threads: '8', baseOptions: 'Hash=64', newOptions: 'Hash=64', sprtElo0: '0.5', sprtElo1: '2.5' });
  if (roll < 0.7) return submit('sprt', { ...ltc, sprtElo0: '-1.75', sprtElo1: '0.25' });
  if (roll < 0.97) {
    const tc = random() < 0.7 ? {} : ltc;
    return submit('games', { ...tc, stopRule: 'games', numGames: String(pick(random, [100_000, 200_000, 400_000])) });
  }
  return submit('spsa', {
    stopRule: 'spsa',
    baseTag: 'tune',
    numGames: String(pick(random, [100_000, 200_000])),
    spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: spsaParams(2 + Math.floor(random() * 19)) },
  });
};

const hex = (value: number, digits: number): string => (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);

/** The n-th worker: its own unique key (so its own short name) and an address shared with at most 3 others. */
export const newWorker = (n: number, random: Random): WorkerInfo => {
  const concurrency = pick(random, [4, 8, 8, 12, 16, 16, 16, 24, 32, 64]);
  return {
    uname: 'Linux 6.1.0',
    architecture: ['64bit', 'ELF'],
    concurrency,
    max_memory: 4000 + 600 * concurrency,
    min_threads: 1,
    username: `volunteer${n % 700}`,
    version: 325,
    python_version: [3, 11, 7],
    gcc_version: [12, 2, 0],
    compiler: random() < 0.9 ? 'g++' : 'clang++',
    unique_key: `${hex(n, 8)}-${hex(Math.floor(random() * 0x10000), 4)}-4459-b722-${hex(n * 2654435761, 12)}`,
    modified: false,
    worker_arch: pick(random, ['x86-64-avx2', 'x86-64-avx2', 'x86-64-avx2', 'x86-64-bmi2', 'x86-64-avx512', 'x86-64-vnni512', 'x86-64-avx512icl', 'apple-silicon']),
    ARCH: '?',
    nps: 800_000 + Math.floor(random() * 600_000),
    near_github_api_limit: false,
    remote_addr: `10.${(n >> 10) & 255}.${(n >> 2) & 255}.${n & 3}`,
    country_code: 'NL',
  };
};

/** Cumulative probabilities of the five game-pair scores: symmetric, so about 0 Elo and no early SPRT decision. */
const PAIR_SCORE_CDF = [0.02, 0.25, 0.75, 0.98, 1] as const;

/** Results of `pairs` game pairs, consistent with their pentanomial. */
export const playedPairs = (random: Random, pairs: number): Results => {
  const p = [0, 0, 0, 0, 0];
  for (let i = 0; i < pairs; i += 1) {
    const u = random();
    const score = PAIR_SCORE_CDF.findIndex((bound) => u < bound);
    const index = score === -1 ? 4 : score;
    p[index] = (p[index] ?? 0) + 1;
  }
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0] = p;
  return {
    wins: p3 + 2 * p4,
    losses: 2 * p0 + p1,
    draws: p1 + 2 * p2 + p3,
    crashes: 0,
    time_losses: 0,
    pentanomial: [p0, p1, p2, p3, p4],
  };
};
