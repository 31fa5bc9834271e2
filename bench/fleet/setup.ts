import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createRunService } from '../../src/commands/runs/index.js';
import type { RunSubmission, SubmissionFacts } from '../../src/domain/runs/create/submission.js';
import { openEventStore } from '../../src/stores/events/fromUrl.js';
import { FLEET_PASSWORD, fleetUsername } from './workerIdentity.js';

/*
 * The benchmark's data, written into DATA_DIR before the server starts: the accounts through the
 * operator CLI, the runs (created and approved) through the run service, because the CLI has no
 * run commands yet.
 */

export const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

/** The settings the server and the CLI read, for this data directory only. */
export const benchEnvironment = (dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['EVENT_STORE_URL', 'READ_STORE_URL', 'BLOB_STORE_URL', 'RUN_PROJECTIONS', 'NN_URL', 'REQUEST_TASK_CONCURRENCY']) delete env[key];
  return { ...env, DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'FULL', LOG_LEVEL: 'warn', ...extra };
};

export const createUsers = (dataDir: string, count: number): void => {
  for (let n = 0; n < count; n += 1) {
    const name = fleetUsername(n);
    const created = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/admin.ts', 'user', 'create', name, '--email', `${name}@example.org`, '--password-stdin', '--approved'],
      { cwd: repositoryRoot, env: benchEnvironment(dataDir), input: `${FLEET_PASSWORD}\n`, encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`user create ${name} failed: ${created.stderr}`);
  }
};

export type RunKind = 'sprt-stc' | 'sprt-ltc' | 'numgames-stc';

/** 70% SPRT at STC, 15% SPRT at LTC, 15% fixed games at STC. */
export const runKindOf = (n: number): RunKind => (n % 20 < 14 ? 'sprt-stc' : n % 20 < 17 ? 'sprt-ltc' : 'numgames-stc');

const submissionOf = (n: number, owner: string): RunSubmission => {
  const kind = runKindOf(n);
  return {
    username: owner,
    baseTag: 'master',
    newTag: `fleet-patch-${n}`,
    tc: kind === 'sprt-ltc' ? '60+0.6' : '10+0.1',
    newTc: '',
    odds: false,
    book: 'UHO_Lichess_4852_v1.epd',
    bookDepth: '8',
    baseSignature: '2050811',
    newSignature: String(2050812 + n),
    baseOptions: 'Hash=16',
    newOptions: 'Hash=16',
    testsRepo: 'https://github.com/official-stockfish/Stockfish',
    info: `Fleet benchmark run ${n}`,
    useArchFilter: false,
    archFilter: '',
    useCompiler: false,
    compiler: '',
    threads: '1',
    priority: '0',
    throughput: '100',
    stopRule: kind === 'numgames-stc' ? 'numgames' : 'sprt',
    eloModel: 'normalized',
    sprtElo0: '0',
    sprtElo1: '2',
    numGames: kind === 'numgames-stc' ? '3200000' : '800000',
    spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: '' },
    autoPurge: false,
    disableAdjudication: false,
  };
};

const factsOf = (n: number): SubmissionFacts => ({
  testsRepo: 'https://github.com/official-stockfish/Stockfish',
  userRegisteredAt: Date.UTC(2020, 0, 1),
  newTagCommitMessage: `Fleet patch ${n}\n\nBench: ${2050812 + n}`,
  resolvedBase: { sha: 'a'.repeat(40), message: 'Base commit' },
  resolvedNew: { sha: (n + 1).toString(16).padStart(40, 'b'), message: `Fleet patch ${n}` },
  masterBench: '2050811',
  baseNets: ['nn-1111111111aa.nnue'],
  newNets: ['nn-1111111111aa.nnue'],
  missingNets: [],
  hostUrl: 'http://127.0.0.1',
});

/** Creates and approves `count` runs; returns their ids. */
export const createRuns = async (dataDir: string, count: number): Promise<string[]> => {
  const config = loadConfig(benchEnvironment(dataDir));
  const eventStore = await openEventStore({ url: config.eventStoreUrl, sqliteSynchronous: config.sqliteSynchronous });
  const runs = createRunService({ eventStore });
  const ids: string[] = [];
  try {
    const createOne = async (n: number): Promise<string> => {
      const owner = fleetUsername(0);
      const context = { actor: owner, correlationId: `fleet-bench-run-${n}` };
      const created = await runs.createRun({ submission: submissionOf(n, owner), facts: factsOf(n) }, context);
      if (created.kind !== 'accepted') throw new Error(`run ${n}: ${created.message}`);
      const approved = await runs.execute(
        { type: 'ApproveRun', data: { runId: created.reply, by: 'fleetApprover', isApprover: true } },
        { actor: 'fleetApprover', correlationId: `fleet-bench-approve-${n}` },
      );
      if (approved.kind !== 'accepted') throw new Error(`approve run ${n}: ${approved.message}`);
      return created.reply;
    };
    // In chunks, so that the appends share group commits.
    for (let first = 0; first < count; first += 50) {
      const chunk = Array.from({ length: Math.min(50, count - first) }, (_, k) => first + k);
      ids.push(...(await Promise.all(chunk.map(createOne))));
    }
  } finally {
    await runs.stop();
    await eventStore.close();
  }
  return ids;
};
