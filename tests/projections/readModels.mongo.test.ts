import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createMongoReadStore } from '../../src/stores/documents/mongo/index.js';
import type { ReadStore } from '../../src/stores/documents/port.js';
import { readModelsEngineSuite } from '../http/public/support/readModelsEngine.js';
import { describeWithMongo } from '../support/ferretdb.js';
import { makeTempDir } from '../support/tempDir.js';

describeWithMongo('read models through the projection engine on MongoDB (FerretDB)', (mongo) => {
  readModelsEngineSuite(async () => {
    const temp = makeTempDir();
    const eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const opened: { store: ReadStore; dbName: string }[] = [];
    return {
      eventStore,
      openReadStore: async () => {
        const dbName = `readmodels_${randomBytes(6).toString('hex')}`;
        const store = createMongoReadStore({ url: mongo.url(), dbName });
        opened.push({ store, dbName });
        return store;
      },
      cleanup: async () => {
        await eventStore.close();
        const admin = new MongoClient(mongo.url());
        try {
          for (const { store, dbName } of opened) {
            await store.close();
            await admin.db(dbName).dropDatabase();
          }
        } finally {
          await admin.close();
          temp.remove();
        }
      },
    };
  });
});
