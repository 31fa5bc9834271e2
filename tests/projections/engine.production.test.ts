import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createKurrentEventStore } from '../../src/stores/events/kurrent/index.js';
import { createSqliteReadStore } from '../../src/stores/documents/sqlite/index.js';
import { createMongoReadStore } from '../../src/stores/documents/mongo/index.js';
import type { EventStore } from '../../src/stores/events/port.js';
import type { ReadStore } from '../../src/stores/documents/port.js';
import { describeProjectionEngineContract } from '../contracts/projectionEngineContract.js';
import type { EngineFixture } from '../contracts/projectionEngineContract.js';
import { describeWithMongo } from '../support/ferretdb.js';
import { startKurrentFake } from '../support/kurrentFake/index.js';
import { makeTempDir } from '../support/tempDir.js';

interface Opened<T> {
  store: T;
  close: () => Promise<void>;
}

const sqliteEvents = (): Opened<EventStore> => {
  const temp = makeTempDir();
  const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
  return { store, close: async () => (await store.close(), temp.remove()) };
};

/** A fresh fake per test: the engine contract counts every event of the log. */
const kurrentEvents = async (): Promise<Opened<EventStore>> => {
  const fake = await startKurrentFake();
  const store = createKurrentEventStore({ connectionString: fake.url });
  return { store, close: async () => (await store.close(), await fake.stop()) };
};

const sqliteDocuments = (): Opened<ReadStore> => {
  const temp = makeTempDir();
  const store = createSqliteReadStore({ path: path.join(temp.dir, 'read.sqlite') });
  return { store, close: async () => (await store.close(), temp.remove()) };
};

const fixture = (events: Opened<EventStore>, documents: Opened<ReadStore>): EngineFixture => ({
  eventStore: events.store,
  readStore: documents.store,
  cleanup: async () => {
    await events.close();
    await documents.close();
  },
});

describeProjectionEngineContract('KurrentDB (protocol fake) + SQLite', async () =>
  fixture(await kurrentEvents(), sqliteDocuments()),
);

describeWithMongo('projection engine with the MongoDB read store', (mongo) => {
  let admin: MongoClient | null = null;
  afterAll(async () => {
    await admin?.close();
  });

  const mongoDocuments = (): Opened<ReadStore> => {
    const dbName = `engine_${randomBytes(6).toString('hex')}`;
    const store = createMongoReadStore({ url: mongo.url(), dbName });
    return {
      store,
      close: async () => {
        await store.close();
        admin ??= new MongoClient(mongo.url());
        await admin.db(dbName).dropDatabase();
      },
    };
  };

  describeProjectionEngineContract('SQLite + MongoDB', async () => fixture(sqliteEvents(), mongoDocuments()));
  describeProjectionEngineContract('KurrentDB (protocol fake) + MongoDB', async () =>
    fixture(await kurrentEvents(), mongoDocuments()),
  );
});
