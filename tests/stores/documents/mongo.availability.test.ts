import { describe, expect, it } from 'vitest';
import type { CollectionSpec, ReadStore } from '../../../src/stores/documents/port.js';
import { ReadStoreUnavailableError } from '../../../src/stores/documents/errors.js';
import { createMongoReadStore } from '../../../src/stores/documents/mongo/index.js';
import { findFerretDbBinary, freePort, startFerretDb } from '../../support/ferretdb.js';

const spec: CollectionSpec = { indexes: ['v'] };

const eventually = async (work: () => Promise<void>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await work();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

const expectUnavailable = async (store: ReadStore): Promise<void> => {
  await expect(store.ping()).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  await expect(store.collection('items', spec).find()).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  await expect(store.getCheckpoint('cp')).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  await expect(
    store.commitProjectionBatch({ checkpointId: 'cp', from: null, to: 1n, changes: [] }),
  ).rejects.toBeInstanceOf(ReadStoreUnavailableError);
};

describe('MongoDB read store availability', () => {
  it('reports an unreachable server as ReadStoreUnavailableError', async () => {
    const port = await freePort();
    const store = createMongoReadStore({ url: `mongodb://127.0.0.1:${port}/`, serverSelectionTimeoutMS: 200 });
    try {
      await expectUnavailable(store);
    } finally {
      await store.close();
    }
  });

  it('stays closed after close()', async () => {
    const port = await freePort();
    const store = createMongoReadStore({ url: `mongodb://127.0.0.1:${port}/` });
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expectUnavailable(store);
  });

  // Needs a FerretDB of its own to kill, even when the other tests use MONGO_TEST_URL.
  const canStartFerretDb = findFerretDbBinary() !== null || process.env.CI === 'true';
  it.skipIf(!canStartFerretDb)(
    'fails as unavailable while the server is down and carries on, data intact, after a restart (needs the ferretdb binary)',
    async () => {
      const server = await startFerretDb();
      const store = createMongoReadStore({ url: server.url, dbName: 'availability', serverSelectionTimeoutMS: 250 });
      try {
        await store.ensureCollection('items', spec);
        const change = (position: number) => ({
          collection: 'items',
          id: 'a',
          position,
          doc: { _id: 'a', v: position },
        });
        await store.commitProjectionBatch({ checkpointId: 'cp', from: null, to: 1n, changes: [change(1)] });

        await server.kill();
        await expectUnavailable(store);

        await server.restart();
        await eventually(() => store.ping());
        expect(await store.getCheckpoint('cp')).toBe(1n);
        expect(await store.collection('items', spec).get('a')).toEqual({ _id: 'a', v: 1, _position: 1 });
        await store.commitProjectionBatch({ checkpointId: 'cp', from: 1n, to: 2n, changes: [change(2)] });
        expect(await store.collection('items', spec).find({ where: { v: 2 } })).toHaveLength(1);
      } finally {
        await store.close();
        await server.stop();
      }
    },
  );
});
