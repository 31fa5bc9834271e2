import path from 'node:path';
import { describeEventStoreContract } from '../../contracts/eventStoreContract.js';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { makeTempDir } from '../../support/tempDir.js';

describeEventStoreContract('sqlite (FULL)', async () => {
  const temp = makeTempDir('fishtest-es-events-');
  const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.db'), pollIntervalMs: 50 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      temp.remove();
    },
  };
});

describeEventStoreContract('sqlite (NORMAL, small pages)', async () => {
  const temp = makeTempDir('fishtest-es-events-');
  const store = createSqliteEventStore({
    path: path.join(temp.dir, 'events.db'),
    synchronous: 'NORMAL',
    pageSize: 7,
    maxBatchEvents: 16,
    pollIntervalMs: 50,
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      temp.remove();
    },
  };
});
