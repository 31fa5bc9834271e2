import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { createMongoReadStore } from '../../../src/stores/documents/mongo/index.js';
import type { GuardedChange } from '../../../src/stores/documents/port.js';
import { describeWithMongo } from '../../support/ferretdb.js';

describeWithMongo('MongoDB read store: large batches', (mongo) => {
  let admin: MongoClient | null = null;
  afterAll(async () => {
    await admin?.close();
  });

  // FerretDB 1.24 stalls on one bulk of ~100 guarded replaces over existing documents; the adapter splits them.
  it('commits a guarded batch of 250 changes over existing documents, twice', async () => {
    const dbName = `bulk_${randomBytes(5).toString('hex')}`;
    const store = createMongoReadStore({ url: mongo.url(), dbName });
    const spec = { indexes: ['v'] };
    await store.ensureCollection('docs', spec);
    const batch = (position: number): GuardedChange[] =>
      Array.from({ length: 250 }, (_, i) => ({ collection: 'docs', id: `d${i}`, position, doc: { _id: `d${i}`, v: position } }));
    await store.commitProjectionBatch({ checkpointId: 'bulk', from: null, to: 1n, changes: batch(1) });
    await store.commitProjectionBatch({ checkpointId: 'bulk', from: 1n, to: 2n, changes: batch(2) });
    const docs = store.collection('docs', spec);
    expect(await docs.count({ where: { v: 2 } })).toBe(250);
    expect(await store.getCheckpoint('bulk')).toBe(2n);
    await store.close();
    admin ??= new MongoClient(mongo.url());
    await admin.db(dbName).dropDatabase();
  }, 60_000);
});
