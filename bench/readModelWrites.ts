/**
 * Read-model write rate: documents/s written through a ReadStore, as plain bulk upserts and as
 * guarded projection batches (documents plus checkpoint). SQLite by default; pass other store
 * factories to `main` (or set BENCH_MONGO_URL) to measure them in the same run.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { CollectionSpec, Doc, GuardedChange, ReadStore } from '../src/stores/documents/port.js';
import { createSqliteReadStore } from '../src/stores/documents/sqlite/index.js';

export interface StoreUnderTest {
  name: string;
  open: () => Promise<{ store: ReadStore; cleanup: () => Promise<void> }>;
  /** Overrides the run's working set and batch sizes for a slow backend, so one batch cannot take minutes. */
  workingSet?: number;
  batchSizes?: readonly number[];
}

export interface ReadModelWritesOptions {
  stores?: readonly StoreUnderTest[];
  /** Time spent on each case; 1.5 s by default. */
  secondsPerCase?: number;
  /** Distinct documents rewritten over and over, so most writes replace an existing document. */
  workingSet?: number;
}

export interface CaseResult {
  store: string;
  case: string;
  docs: number;
  seconds: number;
  docsPerSecond: number;
}

const spec: CollectionSpec = {
  indexes: ['args.username', 'finished', 'is_green', 'last_updated', 'args.tc'],
  textFields: ['args.username', 'args.new_tag', 'args.info'],
};

/** About 0.7 KB of JSON, shaped like a run document of the runs read model. */
const runDoc = (id: string, version: number): Doc => ({
  _id: id,
  version,
  finished: version % 5 === 0,
  is_green: version % 3 === 0,
  last_updated: new Date(1_700_000_000_000 + version * 1_000).toISOString(),
  args: {
    username: `user${version % 97}`,
    tc: version % 2 === 0 ? '10+0.1' : '60+0.6',
    new_tag: `tag-${id}`,
    base_tag: 'master',
    new_signature: 123456 + version,
    base_signature: 654321,
    threads: 1,
    info: 'Tune the reduction of late moves in PV nodes a little more aggressively.',
    sprt: { alpha: 0.05, beta: 0.05, elo0: 0, elo1: 2, elo_model: 'normalized', state: '' },
    num_games: 80_000,
    priority: 0,
    throughput: 100,
  },
  results: { wins: version * 3, losses: version * 2, draws: version * 5, crashes: 0, time_losses: 0, pentanomial: [1, 20, 300, 20, 1] },
  workers: version % 40,
  cores: (version % 40) * 8,
  tasks_summary: { active: version % 40, pending: 2, finished: version % 1_000 },
});

const timed = async (seconds: number, step: () => Promise<number>): Promise<{ docs: number; seconds: number }> => {
  const deadline = performance.now() + seconds * 1_000;
  const started = performance.now();
  let docs = 0;
  while (performance.now() < deadline) docs += await step();
  return { docs, seconds: (performance.now() - started) / 1_000 };
};

const uniqueCollection = (): string => `bench_${randomBytes(4).toString('hex')}`;

const measureStore = async (
  target: StoreUnderTest,
  secondsPerCase: number,
  workingSet: number,
): Promise<CaseResult[]> => {
  const { store, cleanup } = await target.open();
  workingSet = target.workingSet ?? workingSet;
  const batchSizes = target.batchSizes ?? [100, 1_000];
  const results: CaseResult[] = [];
  const record = (name: string, run: { docs: number; seconds: number }): void => {
    const result = { store: target.name, case: name, ...run, docsPerSecond: run.docs / run.seconds };
    results.push(result);
    console.log(
      `  ${target.name.padEnd(14)} ${name.padEnd(38)} ${String(workingSet).padStart(6)} ids ${Math.round(result.docsPerSecond).toLocaleString('en-US').padStart(9)} docs/s  (${result.docs} docs in ${result.seconds.toFixed(2)} s)`,
    );
  };
  try {
    for (const batchSize of batchSizes) {
      const name = uniqueCollection();
      await store.ensureCollection(name, spec);
      const collection = store.collection(name, spec);
      let version = 0;
      record(
        `bulkWrite upserts, ${batchSize}/batch`,
        await timed(secondsPerCase, async () => {
          const ops = Array.from({ length: batchSize }, () => {
            version += 1;
            return { op: 'upsert' as const, doc: runDoc(`run${version % workingSet}`, version) };
          });
          await collection.bulkWrite(ops);
          return batchSize;
        }),
      );
      await store.dropCollection(name);
    }

    const name = uniqueCollection();
    await store.ensureCollection(name, spec);
    const checkpointId = `${name}@1`;
    let checkpoint: bigint | null = null;
    let position = 0;
    const batchSize = batchSizes[batchSizes.length - 1] ?? 1_000;
    record(
      `guarded batch + checkpoint, ${batchSize}/batch`,
      await timed(secondsPerCase, async () => {
        const changes: GuardedChange[] = Array.from({ length: batchSize }, () => {
          position += 1;
          return { collection: name, id: `run${position % workingSet}`, position, doc: runDoc(`run${position % workingSet}`, position) };
        });
        const to = BigInt(position);
        await store.commitProjectionBatch({ checkpointId, from: checkpoint, to, changes });
        checkpoint = to;
        return batchSize;
      }),
    );
    await store.dropCollection(name);
    await store.deleteCheckpoint(checkpointId);
  } finally {
    await cleanup();
  }
  return results;
};

export const sqliteStore = (synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): StoreUnderTest => ({
  name: `sqlite ${synchronous}`,
  open: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-readmodel-'));
    const store = createSqliteReadStore({ path: path.join(dir, 'read.sqlite'), synchronous });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

const mongoStoreFromEnv = (): StoreUnderTest | null => {
  const url = process.env.BENCH_MONGO_URL;
  if (!url) return null;
  return {
    name: 'mongodb',
    // FerretDB's SQLite backend scans a collection for each guarded update: keep both small.
    workingSet: 1_000,
    batchSizes: [10, 100],
    open: async () => {
      const { createMongoReadStore } = await import('../src/stores/documents/mongo/index.js');
      const store: ReadStore = await createMongoReadStore({ url, dbName: `bench_${Date.now()}` });
      return { store, cleanup: () => store.close() };
    },
  };
};

export const main = async (options: ReadModelWritesOptions = {}): Promise<CaseResult[]> => {
  const mongo = mongoStoreFromEnv();
  const stores = options.stores ?? [sqliteStore('NORMAL'), ...(mongo ? [mongo] : [])];
  const secondsPerCase = options.secondsPerCase ?? 1.5;
  const workingSet = options.workingSet ?? 20_000;
  console.log(`read-model writes: run-like documents of ~0.7 KB, ${workingSet} distinct ids, ${secondsPerCase} s per case`);
  const results: CaseResult[] = [];
  for (const target of stores) results.push(...(await measureStore(target, secondsPerCase, workingSet)));
  if (!options.stores && !mongo) console.log('  (MongoDB skipped: set BENCH_MONGO_URL to measure it too)');
  return results;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
