import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createMongoReadStore } from '../../src/stores/documents/mongo/index.js';
import type { EventStore, NewEvent } from '../../src/stores/events/port.js';
import type { Doc, ReadStore } from '../../src/stores/documents/port.js';
import type { Projection } from '../../src/projections/projection.js';
import { createProjectionRunner } from '../../src/projections/runner.js';
import type { FerretDbServer } from '../support/ferretdb.js';
import { findFerretDbBinary, startFerretDb } from '../support/ferretdb.js';
import { makeTempDir } from '../support/tempDir.js';

const STREAMS = 40;

const games: Projection = {
  name: 'games-per-run',
  version: 1,
  collections: { games: { indexes: ['played'] } },
  eventTypes: ['GamesPlayed'],
  keys: (event) => [{ collection: 'games', id: event.streamId }],
  project: (event, current) => {
    const previous = current('games', event.streamId);
    const played = ((previous?.played as number | undefined) ?? 0) + (event.data as { games: number }).games;
    const updates = ((previous?.updates as number | undefined) ?? 0) + 1;
    return [{ collection: 'games', id: event.streamId, doc: { _id: event.streamId, played, updates } }];
  },
};

const played = (games: number): NewEvent => ({
  type: 'GamesPlayed',
  data: { games },
  metadata: { actor: 'worker:test', correlationId: randomUUID() },
});

const appendRound = async (store: EventStore, round: number): Promise<bigint> => {
  const results = await Promise.all(
    Array.from({ length: STREAMS }, (_, s) => store.append(`run-${s}`, [played(2 + ((round + s) % 7) * 2)], 'any')),
  );
  return results.reduce((max, result) => (result.position > max ? result.position : max), 0n);
};

const waitUntil = async (predicate: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const documents = async (store: ReadStore): Promise<Doc[]> =>
  store.collection('games_v1', games.collections.games!).find({ sort: { field: '_id', order: 'asc' } });

const binary = findFerretDbBinary();
const ciRequires = process.env.CI === 'true';

// Skipped (with the reason in its title) only off CI, where FerretDB may not be installed.
describe.runIf(binary !== null || ciRequires)(
  `killing FerretDB in the middle of a projection${binary === null ? ' [skipped: no ferretdb binary]' : ''}`,
  () => {
  let server: FerretDbServer;
  const temp = makeTempDir();

  beforeAll(async () => {
    // A private instance even when MONGO_TEST_URL is set: this test kills it.
    server = await startFerretDb();
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  it('loses nothing: the runner resumes from its checkpoint and the read model equals a fresh rebuild', async () => {
    const eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const readStore = createMongoReadStore({ url: server.url, dbName: 'crash' });
    for (let round = 0; round < 15; round += 1) await appendRound(eventStore, round);
    const runner = createProjectionRunner({ eventStore, readStore, projection: games, batchSize: 20, maxRetryDelayMs: 200 });
    await runner.start();
    await waitUntil(() => (runner.status().checkpoint ?? 0n) >= 100n, 30_000);

    await server.kill();
    // Appends go on while the read store is down.
    let head = 0n;
    for (let round = 15; round < 25; round += 1) head = await appendRound(eventStore, round);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runner.status().state).toBe('running');
    expect(runner.status().checkpoint ?? 0n).toBeLessThan(head);
    await server.restart();

    await waitUntil(() => (runner.status().checkpoint ?? 0n) >= head, 60_000);
    await runner.stop();
    const live = await documents(readStore);

    const fresh = createMongoReadStore({ url: server.url, dbName: 'rebuild' });
    const rebuild = createProjectionRunner({ eventStore, readStore: fresh, projection: games, batchSize: 200 });
    await rebuild.start();
    await waitUntil(() => (rebuild.status().checkpoint ?? 0n) >= head, 60_000);
    await rebuild.stop();

    expect(live).toHaveLength(STREAMS);
    expect(live).toEqual(await documents(fresh));
    for (const doc of live) expect(doc.updates).toBe(25);
    await Promise.all([fresh.close(), readStore.close(), eventStore.close()]);
  }, 120_000);
  },
);
