import { newSprt } from '../../../src/domain/runs/adapters/stats.js';
import { buildSpsaState } from '../../../src/domain/runs/adapters/spsa.js';
import type { RunArgs, SpsaState } from '../../../src/domain/runs/args.js';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import type { RunContext } from '../../../src/domain/runs/context.js';
import { runDecider } from '../../../src/domain/runs/decider.js';
import { evolveRun } from '../../../src/domain/runs/evolve.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import { initialRunState, type Run, type RunState } from '../../../src/domain/runs/state.js';
import { fold, isRejection } from '../../../src/domain/shared/decider.js';
import type { Pentanomial, Results } from '../../../src/domain/shared/results.js';
import { sprtBatchSizePairs } from '../../../src/domain/shared/time-control.js';
import { toIso } from '../../../src/domain/shared/time.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import { deciderSpecification } from '../decider-spec.js';

export const RUN_ID = '64f0a1b2c3d4e5f6a7b8c9d0';
export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 86_400_000;

export const at = (ms: number): string => toIso(ms);
export const context = (now: number = T0, extra: Partial<RunContext> = {}): RunContext => ({ now, ...extra });

export const workerInfo = (overrides: Partial<WorkerInfo> = {}): WorkerInfo => ({
  uname: 'Linux 6.1.0',
  architecture: ['64bit', 'ELF'],
  concurrency: 8,
  max_memory: 16_000,
  min_threads: 1,
  username: 'alice',
  version: 325,
  python_version: [3, 11, 7],
  gcc_version: [12, 2, 0],
  compiler: 'g++',
  unique_key: 'abcd1234-2869-4459-b722-1560ae3bd123',
  modified: false,
  worker_arch: 'x86-64-avx2',
  ARCH: '?',
  nps: 0,
  near_github_api_limit: false,
  remote_addr: '192.0.2.10',
  country_code: 'NL',
  ...overrides,
});

/** A worker with its own identity (the n-th machine of user `username`). */
export const machine = (n: number, overrides: Partial<WorkerInfo> = {}): WorkerInfo => {
  const prefix = `m${n.toString(16).padStart(7, '0')}`;
  return workerInfo({
    unique_key: `${prefix}-2869-4459-b722-${n.toString(16).padStart(12, '0')}`,
    remote_addr: `198.51.100.${n % 250}`,
    ...overrides,
  });
};

const SHA_BASE = 'a'.repeat(40);
const SHA_NEW = 'b'.repeat(40);

export const baseArgs = (overrides: Partial<RunArgs> = {}): RunArgs => ({
  base_tag: 'master',
  new_tag: 'feature',
  base_nets: ['nn-1111111111aa.nnue'],
  new_nets: ['nn-1111111111aa.nnue'],
  num_games: 20_000,
  tc: '10+0.1',
  new_tc: '10+0.1',
  book: 'UHO_Lichess_4852_v1.epd',
  book_depth: '8',
  threads: 1,
  resolved_base: SHA_BASE,
  resolved_new: SHA_NEW,
  msg_base: 'Base commit',
  msg_new: 'New commit',
  base_options: 'Hash=16',
  new_options: 'Hash=16',
  info: 'Some idea',
  base_signature: '2050811',
  new_signature: '2050812',
  username: 'owner',
  tests_repo: 'https://github.com/owner/Stockfish',
  auto_purge: false,
  throughput: 100,
  itp: 100,
  priority: 0,
  adjudication: true,
  ...overrides,
});

export const sprtArgs = (overrides: Partial<RunArgs> = {}, bounds: { elo0: number; elo1: number } = { elo0: 0, elo1: 2 }): RunArgs => {
  const tc = overrides.tc ?? '10+0.1';
  const threads = overrides.threads ?? 1;
  return baseArgs({
    num_games: 800_000,
    sprt: newSprt({ ...bounds, eloModel: 'normalized', batchSize: sprtBatchSizePairs(tc, threads) }),
    ...overrides,
  });
};

export const spsaState = (numGames = 20_000, rawParams = 'A,100,0,200,10,0.0020\nB,50,0,100,5,0.0020'): SpsaState => {
  const built = buildSpsaState({ A: 0.1, alpha: 0.602, gamma: 0.101, rawParams }, numGames);
  if (!built.ok) throw new Error(built.message);
  return built.spsa;
};

export const spsaArgs = (overrides: Partial<RunArgs> = {}): RunArgs =>
  baseArgs({ num_games: 20_000, spsa: spsaState(overrides.num_games ?? 20_000), base_signature: '2050812', ...overrides });

export const created = (args: RunArgs = baseArgs(), when: number = T0, runId: string = RUN_ID): RunEvent =>
  runEvent('RunCreated', { runId, at: at(when), args, tcBase: Number(/^(\d+(\.\d+)?)/.exec(args.tc)?.[1] ?? 0) });

export const approved = (when: number = T0, approver = 'approver1', runId: string = RUN_ID): RunEvent =>
  runEvent('RunApproved', { runId, at: at(when), approver });

export const assigned = (
  taskId: number,
  numGames: number,
  info: WorkerInfo = workerInfo(),
  when: number = T0,
  start = 0,
  runId: string = RUN_ID,
): RunEvent => runEvent('TaskAssigned', { runId, at: at(when), taskId, numGames, start, workerInfo: info });

/** Results that agree with the pentanomial, from the pentanomial alone (draws as DD pairs). */
export const resultsOf = (pentanomial: Pentanomial, extra: Partial<Pick<Results, 'crashes' | 'time_losses'>> = {}): Results => {
  const [p0, p1, p2, p3, p4] = pentanomial;
  // LL → 2 losses; LD → 1 loss 1 draw; DD → 2 draws; DW → 1 draw 1 win; WW → 2 wins.
  return {
    wins: p3 + 2 * p4,
    losses: 2 * p0 + p1,
    draws: p1 + 2 * p2 + p3,
    crashes: extra.crashes ?? 0,
    time_losses: extra.time_losses ?? 0,
    pentanomial,
  };
};

export const stateOf = (...events: RunEvent[]): RunState => fold(evolveRun, initialRunState(), events);

export const runOf = (...events: RunEvent[]): Run => {
  const state = stateOf(...events);
  if (state.kind !== 'run') throw new Error('no run');
  return state;
};

/** Decides and evolves, failing the test on a rejection. */
export const apply = (state: RunState, command: RunCommand, ctx: RunContext = context()): { state: RunState; events: readonly RunEvent[] } => {
  const decision = runDecider.decide(command, state, ctx);
  if (isRejection(decision)) throw new Error(`${decision.code}: ${decision.message}`);
  return { state: fold(evolveRun, state, decision), events: decision };
};

export const spec = deciderSpecification(runDecider);
