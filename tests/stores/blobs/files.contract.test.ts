import { chmodSync, openSync, readSync, readdirSync, closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createFileBlobStore, fileBlobLayout } from '../../../src/stores/blobs/files/index.js';
import { describeBlobStoreContract } from '../../contracts/blobStoreContract.js';
import { makeTempDir } from '../../support/tempDir.js';

const filesNamed = (dir: string, name: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name === name).length;

describeBlobStoreContract('files', async () => {
  const temp = makeTempDir('blobstore-');
  const dir = path.join(temp.dir, 'blobs');
  const store = createFileBlobStore({ dir });
  const layout = fileBlobLayout(dir);
  return {
    store,
    openAnother: async () => createFileBlobStore({ dir }),
    storedCopies: async (sha256) => filesNamed(layout.objectsDir, sha256),
    corrupt: async (sha256) => {
      const file = layout.blobPath(sha256);
      chmodSync(file, 0o644);
      const fd = openSync(file, 'r+');
      try {
        const byte = Buffer.alloc(1);
        readSync(fd, byte, 0, 1, 1000);
        writeSync(fd, Buffer.from([(byte[0] ?? 0) ^ 0xff]), 0, 1, 1000);
      } finally {
        closeSync(fd);
      }
    },
    garbage: async () => readdirSync(layout.tmpDir).length,
    crossInstanceCounterGap: null,
    cleanup: async () => {
      await store.close();
      temp.remove();
    },
  };
});
