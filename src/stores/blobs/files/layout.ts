import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a file blob store keeps things under its directory:
 *   objects/ab/cd/<sha256>   complete blobs, fanned out by the first two bytes of the hash
 *   tmp/<random>.part        blobs being written; renamed into objects/ once complete and synced
 *   index.db                 names and counters (SQLite, WAL)
 */
export interface FileBlobLayout {
  readonly root: string;
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly indexFile: string;
  blobDir(sha256: string): string;
  blobPath(sha256: string): string;
}

export const fileBlobLayout = (root: string): FileBlobLayout => {
  const objectsDir = path.join(root, 'objects');
  const blobDir = (sha256: string): string => path.join(objectsDir, sha256.slice(0, 2), sha256.slice(2, 4));
  return {
    root,
    objectsDir,
    tmpDir: path.join(root, 'tmp'),
    indexFile: path.join(root, 'index.db'),
    blobDir,
    blobPath: (sha256) => path.join(blobDir(sha256), sha256),
  };
};

/** Makes a rename or unlink inside `dir` (or the creation of `dir`'s entries) survive a power loss. */
export const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Creates the fan-out directories of a blob and syncs their parents, once per directory and
 * process: a blob renamed into a directory whose own entry was never synced could vanish.
 */
export const createDurableDirs = (layout: FileBlobLayout): ((sha256: string) => Promise<string>) => {
  const ready = new Set<string>();
  return async (sha256) => {
    const dir = layout.blobDir(sha256);
    if (ready.has(dir)) return dir;
    const outer = path.dirname(dir);
    await mkdir(dir, { recursive: true });
    await fsyncDir(layout.objectsDir);
    await fsyncDir(outer);
    ready.add(dir);
    return dir;
  };
};
