import path from 'node:path';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import { describeReadStoreContract } from '../../contracts/readStoreContract.js';
import { makeTempDir } from '../../support/tempDir.js';

describeReadStoreContract('sqlite', async () => {
  const temp = makeTempDir('readstore-');
  const store = createSqliteReadStore({ path: path.join(temp.dir, 'read.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      temp.remove();
    },
  };
});
