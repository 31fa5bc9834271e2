import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import { describeReadStoreContract } from '../../contracts/readStoreContract.js';

describeReadStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'readstore-'));
  const store = createSqliteReadStore({ path: path.join(dir, 'read.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
