import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { createMongoReadStore } from '../../../src/stores/documents/mongo/index.js';
import { describeReadStoreContract } from '../../contracts/readStoreContract.js';
import { describeWithMongo } from '../../support/ferretdb.js';

describeWithMongo('MongoDB read store on a MongoDB-compatible server', (mongo) => {
  let admin: MongoClient | null = null;
  afterAll(async () => {
    await admin?.close();
  });

  // One database per test, dropped afterwards, so a shared MONGO_TEST_URL server works too.
  describeReadStoreContract('mongodb', async () => {
    const dbName = `rs_contract_${randomBytes(6).toString('hex')}`;
    const store = createMongoReadStore({ url: mongo.url(), dbName });
    return {
      store,
      cleanup: async () => {
        await store.close();
        admin ??= new MongoClient(mongo.url());
        await admin.db(dbName).dropDatabase();
      },
    };
  });
});
