import { randomBytes } from 'node:crypto';
import type { Db, ObjectId } from 'mongodb';
import { Binary, MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { createGridFsBlobStore } from '../../../src/stores/blobs/gridfs/index.js';
import { describeBlobStoreContract } from '../../contracts/blobStoreContract.js';
import { describeWithMongo } from '../../support/ferretdb.js';
import { gridFsGarbage, serverLosesConcurrentUpdates } from './gridfsInspection.js';

describeWithMongo('GridFS blob store on a MongoDB-compatible server', (mongo) => {
  let admin: MongoClient | null = null;
  const adminClient = (): MongoClient => (admin ??= new MongoClient(mongo.url()));
  afterAll(async () => {
    await admin?.close();
  });

  // One database per test, dropped afterwards, so a shared MONGO_TEST_URL server works too.
  describeBlobStoreContract('gridfs', async () => {
    const dbName = `blob_contract_${randomBytes(6).toString('hex')}`;
    const open = () => createGridFsBlobStore({ url: mongo.url(), dbName });
    const store = open();
    const db: Db = adminClient().db(dbName);
    const files = db.collection<{ _id: ObjectId; filename: string }>('blobs.files');
    const chunks = db.collection<{ _id: ObjectId; files_id: ObjectId; n: number; data: Binary }>('blobs.chunks');
    return {
      store,
      openAnother: async () => open(),
      storedCopies: (sha256) => files.countDocuments({ filename: sha256 }),
      corrupt: async (sha256) => {
        const file = await files.findOne({ filename: sha256 });
        if (!file) throw new Error(`no file for ${sha256}`);
        const chunk = await chunks.findOne({ files_id: file._id, n: 0 });
        if (!chunk) throw new Error(`no chunk 0 for ${sha256}`);
        const data = Buffer.from(chunk.data.buffer);
        data[100] = (data[100] ?? 0) ^ 0xff;
        await chunks.updateOne({ _id: chunk._id }, { $set: { data: new Binary(data) } });
      },
      garbage: () => gridFsGarbage(db),
      crossInstanceCounterGap: (await serverLosesConcurrentUpdates(db))
        ? 'this server (FerretDB) loses concurrent updates of one document from different connections'
        : null,
      cleanup: async () => {
        await store.close();
        await db.dropDatabase();
      },
    };
  });
});
