import path from 'node:path';
import { describe } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createSqliteReadStore } from '../../src/stores/documents/sqlite/index.js';
import type { ReadStore } from '../../src/stores/documents/port.js';
import { readModelsEngineSuite } from '../http/public/support/readModelsEngine.js';
import { makeTempDir } from '../support/tempDir.js';

describe('read models through the projection engine on the embedded stores', () => {
  readModelsEngineSuite(async () => {
    const temp = makeTempDir();
    const eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const readStores: ReadStore[] = [];
    return {
      eventStore,
      openReadStore: async () => {
        const store = createSqliteReadStore({ path: path.join(temp.dir, `read-${readStores.length}.sqlite`) });
        readStores.push(store);
        return store;
      },
      cleanup: async () => {
        await eventStore.close();
        for (const store of readStores) await store.close();
        temp.remove();
      },
    };
  });
});
