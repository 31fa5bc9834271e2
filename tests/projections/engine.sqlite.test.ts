import path from 'node:path';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createSqliteReadStore } from '../../src/stores/documents/sqlite/index.js';
import { describeProjectionEngineContract } from '../contracts/projectionEngineContract.js';
import { makeTempDir } from '../support/tempDir.js';

describeProjectionEngineContract('SQLite', async () => {
  const temp = makeTempDir();
  const eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
  const readStore = createSqliteReadStore({ path: path.join(temp.dir, 'read.sqlite') });
  return {
    eventStore,
    readStore,
    cleanup: async () => {
      await eventStore.close();
      await readStore.close();
      temp.remove();
    },
  };
});
