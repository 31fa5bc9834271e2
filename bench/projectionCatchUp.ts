/**
 * Projection catch-up rate: fills an embedded event log, then times a projection that folds the
 * whole log from position 0 into each read store (SQLite always; MongoDB when BENCH_MONGO_URL is set).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSqliteEventStore } from '../src/stores/events/sqlite/index.js';
import { createSqliteReadStore } from '../src/stores/documents/sqlite/index.js';
import type { EventStore, NewEvent } from '../src/stores/events/port.js';
import type { ReadStore } from '../src/stores/documents/port.js';
import type { Projection } from '../src/projections/projection.js';
import { createProjectionRunner } from '../src/projections/runner.js';

const SQLITE_EVENTS = Number(process.env.BENCH_CATCHUP_EVENTS ?? 100_000);
// FerretDB's SQLite backend scans a collection for every guarded write: a smaller log over fewer
// documents keeps the run short. Its figure shows the adapter works, not what MongoDB would do.
const MONGO_EVENTS = Number(process.env.BENCH_CATCHUP_MONGO_EVENTS ?? 2_000);
const SQLITE_STREAMS = 2_000;
const MONGO_STREAMS = 100;

const benchProjection = (collection: string): Projection => ({
  name: `bench-${collection}`,
  version: 1,
  collections: { [collection]: { indexes: ['games'] } },
  eventTypes: ['GamesPlayed'],
  keys: (event) => [{ collection, id: event.streamId }],
  project: (event, current) => {
    const previous = current(collection, event.streamId);
    const games = ((previous?.games as number | undefined) ?? 0) + (event.data as { games: number }).games;
    return [{ collection, id: event.streamId, doc: { _id: event.streamId, games, updates: ((previous?.updates as number | undefined) ?? 0) + 1 } }];
  },
});

const fill = async (store: EventStore, events: number, streams: number): Promise<bigint> => {
  let last = 0n;
  const chunk = 1_000;
  for (let done = 0; done < events; done += chunk) {
    const appends: Array<Promise<{ position: bigint }>> = [];
    for (let i = done; i < Math.min(events, done + chunk); i += 1) {
      const event: NewEvent = {
        type: 'GamesPlayed',
        data: { games: 2, wins: 1, losses: 1, draws: 0, pentanomial: [0, 0, 1, 0, 0] },
        metadata: { actor: 'bench', correlationId: randomUUID() },
      };
      appends.push(store.append(`run-${i % streams}`, [event], 'any'));
    }
    for (const result of await Promise.all(appends)) if (result.position > last) last = result.position;
  }
  return last;
};

/** Fills a fresh embedded log with `events` events, then times one projection folding all of it. */
const catchUp = async (dir: string, readStore: ReadStore, events: number, streams: number): Promise<number> => {
  const eventStore = createSqliteEventStore({ path: path.join(dir, `events-${randomUUID()}.sqlite`) });
  const head = await fill(eventStore, events, streams);
  const collection = `catchup${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  const runner = createProjectionRunner({ eventStore, readStore, projection: benchProjection(collection), batchSize: 1_000 });
  const caughtUp = new Promise<void>((resolve) => {
    const stop = runner.onProgress((checkpoint) => {
      if (checkpoint >= head) {
        stop();
        resolve();
      }
    });
  });
  const started = performance.now();
  await runner.start();
  await caughtUp;
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await readStore.dropCollection(`${collection}_v1`);
  await eventStore.close();
  return events / seconds;
};

export const main = async (): Promise<void> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-catchup-'));
  try {
    console.log('projection catch-up from position 0, batches of 1000 events');
    const sqlite = createSqliteReadStore({ path: path.join(dir, 'read.sqlite'), synchronous: 'FULL' });
    const sqliteRate = await catchUp(dir, sqlite, SQLITE_EVENTS, SQLITE_STREAMS);
    console.log(`  SQLite read store:  ${Math.round(sqliteRate)} events/s (${SQLITE_EVENTS} events over ${SQLITE_STREAMS} documents)`);
    await sqlite.close();
    const mongoUrl = process.env.BENCH_MONGO_URL;
    if (mongoUrl) {
      const { createMongoReadStore } = await import('../src/stores/documents/mongo/index.js');
      const mongo = await createMongoReadStore({ url: mongoUrl, dbName: `bench_${Date.now()}` });
      const mongoRate = await catchUp(dir, mongo, MONGO_EVENTS, MONGO_STREAMS);
      console.log(`  MongoDB read store: ${Math.round(mongoRate)} events/s (${MONGO_EVENTS} events over ${MONGO_STREAMS} documents)`);
      await mongo.close();
    } else {
      console.log('  MongoDB read store: skipped (set BENCH_MONGO_URL, e.g. to a FerretDB instance)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
