import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from './port.js';

export interface BlobStoreSettings {
  /** `file:<dir>` (relative to the working directory, or `file:///abs/dir`) or `mongodb://…` / `mongodb+srv://…`. */
  url: string;
}

/** The directory of a `file:` URL: `file:///abs/dir` as a URL, `file:<dir>` as a plain path. */
export const fileStoreDir = (url: string): string => {
  if (url.startsWith('file://')) return fileURLToPath(url);
  const dir = url.slice('file:'.length);
  if (dir === '') throw new Error('BLOB_STORE_URL file: needs a directory, e.g. file:./data/blobs');
  return path.resolve(dir);
};

/** Chooses the adapter from the URL scheme; the MongoDB driver loads only when used. */
export const openBlobStore = async (settings: BlobStoreSettings): Promise<BlobStore> => {
  const { url } = settings;
  if (url.startsWith('file:')) {
    const { createFileBlobStore } = await import('./files/index.js');
    return createFileBlobStore({ dir: fileStoreDir(url) });
  }
  if (url.startsWith('mongodb://') || url.startsWith('mongodb+srv://')) {
    const { createGridFsBlobStore } = await import('./gridfs/index.js');
    return createGridFsBlobStore({ url });
  }
  throw new Error(`unsupported BLOB_STORE_URL scheme: ${url.split(':')[0] ?? url}`);
};
