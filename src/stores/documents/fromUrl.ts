import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ReadStore } from './port.js';

export interface ReadStoreSettings {
  url: string;
}

/** Chooses the adapter from the URL scheme; the MongoDB driver loads only when used. */
export const openReadStore = async (settings: ReadStoreSettings): Promise<ReadStore> => {
  const { url } = settings;
  if (url.startsWith('sqlite:')) {
    const file = path.resolve(url.slice('sqlite:'.length));
    mkdirSync(path.dirname(file), { recursive: true });
    const { createSqliteReadStore } = await import('./sqlite/index.js');
    // Read models are rebuilt from the log, and WAL keeps documents and checkpoint in one commit:
    // a power loss can only make a projection apply its last events again, so no fsync per batch.
    return createSqliteReadStore({ path: file, synchronous: 'NORMAL' });
  }
  if (url.startsWith('mongodb://') || url.startsWith('mongodb+srv://')) {
    const { createMongoReadStore } = await import('./mongo/index.js');
    return await createMongoReadStore({ url });
  }
  throw new Error(`unsupported READ_STORE_URL scheme: ${url.split(':')[0] ?? url}`);
};
