import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { access, constants, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInput, BlobMeta, BlobRef, BlobStore, ListNamesOptions, NamedBlob, PutOptions, SetNameOptions } from '../port.js';
import { BlobNameTakenError, BlobNotFoundError, BlobStoreUnavailableError } from '../errors.js';
import { checkStoredBytes, copyHashing, verifiedStream } from '../bytes.js';
import { checkIncrement, checkName, checkNamespace, checkPutOptions, checkSha256, metaToJson } from '../validation.js';
import { isMissingFile, translateFileError } from './errors.js';
import { createDurableDirs, fileBlobLayout, fsyncDir } from './layout.js';
import { openNameIndex } from './nameIndex.js';
import { TEMP_SUFFIX, fileExists, writeBlob } from './writeBlob.js';

export interface FileBlobStoreOptions {
  /** The store's directory; created when missing. */
  dir: string;
  /**
   * SQLite synchronous mode of the name/counter index. NORMAL (default) survives a process crash
   * and may lose the last index writes on power loss; blob files are always synced.
   */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
  /**
   * Temp files older than this are left over by a crashed writer and removed when the store
   * opens; one hour by default, so a slow upload of another process on the same directory is safe.
   */
  staleTempMs?: number;
}

const DEFAULT_STALE_TEMP_MS = 60 * 60 * 1000;

const removeStaleTempFiles = (tmpDir: string, olderThanMs: number): void => {
  const cutoff = Date.now() - olderThanMs;
  for (const entry of readdirSync(tmpDir)) {
    if (!entry.endsWith(TEMP_SUFFIX)) continue;
    const file = path.join(tmpDir, entry);
    try {
      if (statSync(file).mtimeMs <= cutoff) unlinkSync(file);
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
  }
};

/**
 * Blobs as files under `dir`, names and counters in SQLite beside them. Several processes may
 * share one directory.
 */
export const createFileBlobStore = (options: FileBlobStoreOptions): BlobStore => {
  const layout = fileBlobLayout(path.resolve(options.dir));
  mkdirSync(layout.objectsDir, { recursive: true });
  mkdirSync(layout.tmpDir, { recursive: true });
  removeStaleTempFiles(layout.tmpDir, options.staleTempMs ?? DEFAULT_STALE_TEMP_MS);
  const index = openNameIndex(layout.indexFile, {
    synchronous: options.synchronous ?? 'NORMAL',
    busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
  });
  const prepareDir = createDurableDirs(layout);
  let closed = false;

  const guard = async <T>(operation: () => Promise<T> | T): Promise<T> => {
    if (closed) throw new BlobStoreUnavailableError('file blob store is closed');
    try {
      return await operation();
    } catch (error) {
      throw translateFileError(error);
    }
  };

  const sizeOf = async (sha256: string): Promise<number | null> => {
    try {
      return (await stat(layout.blobPath(sha256))).size;
    } catch (error) {
      if (isMissingFile(error)) return null;
      throw error;
    }
  };

  const put = (input: BlobInput, putOptions?: PutOptions): Promise<BlobRef> =>
    guard(async () => {
      const limits = checkPutOptions(putOptions);
      if (input instanceof Uint8Array) {
        // The key is known before writing: a blob already stored costs a stat, not a copy.
        const ref = await copyHashing(input, async () => undefined, limits);
        const target = layout.blobPath(ref.sha256);
        if (await fileExists(target)) {
          await fsyncDir(layout.blobDir(ref.sha256));
          return ref;
        }
        return await writeBlob(layout, prepareDir, input, limits, ref);
      }
      return await writeBlob(layout, prepareDir, input, limits);
    });

  const openRead = (sha256: string): Promise<Readable | null> =>
    guard(async () => {
      checkSha256(sha256);
      let handle;
      try {
        handle = await open(layout.blobPath(sha256), 'r');
      } catch (error) {
        if (isMissingFile(error)) return null;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        return verifiedStream(handle.createReadStream(), sha256, size);
      } catch (error) {
        await handle.close();
        throw error;
      }
    });

  const setName = (namespace: string, name: string, sha256: string, meta?: BlobMeta, setOptions?: SetNameOptions): Promise<NamedBlob> =>
    guard(async () => {
      checkNamespace(namespace);
      checkName(name);
      checkSha256(sha256);
      const metaJson = metaToJson(meta);
      const size = await sizeOf(sha256);
      if (size === null) throw new BlobNotFoundError(sha256);
      const result = index.set({ namespace, name, sha256, size, metaJson }, setOptions?.mode === 'create');
      if ('taken' in result) throw new BlobNameTakenError(namespace, name, result.taken.sha256);
      return result;
    });

  return {
    kind: 'files',
    put,
    has: (sha256) => guard(async () => (await sizeOf(checkSha256(sha256))) !== null),
    size: (sha256) => guard(() => sizeOf(checkSha256(sha256))),
    get: (sha256) =>
      guard(async () => {
        checkSha256(sha256);
        let bytes: Buffer;
        try {
          bytes = await readFile(layout.blobPath(sha256));
        } catch (error) {
          if (isMissingFile(error)) return null;
          throw error;
        }
        return checkStoredBytes(sha256, bytes.byteLength, bytes);
      }),
    openRead,
    delete: (sha256) =>
      guard(async () => {
        checkSha256(sha256);
        // Names first: a crash in between leaves an unnamed blob, never a name without its blob.
        index.deleteAllFor(sha256);
        try {
          await unlink(layout.blobPath(sha256));
        } catch (error) {
          if (isMissingFile(error)) return false;
          throw error;
        }
        await fsyncDir(layout.blobDir(sha256));
        return true;
      }),
    setName,
    getName: (namespace, name) => guard(() => index.get(checkNamespace(namespace), checkName(name))),
    listNames: (namespace: string, listOptions?: ListNamesOptions) => guard(() => index.list(checkNamespace(namespace), listOptions)),
    deleteName: (namespace, name) => guard(() => index.delete(checkNamespace(namespace), checkName(name))),
    incrementCounter: (namespace, name, by = 1) =>
      guard(() => index.increment(checkNamespace(namespace), checkName(name), checkIncrement(by))),
    getCounter: (namespace, name) => guard(() => index.counter(checkNamespace(namespace), checkName(name))),
    ping: () =>
      guard(async () => {
        index.ping();
        await access(layout.objectsDir, constants.W_OK);
        await access(layout.tmpDir, constants.W_OK);
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      index.close();
    },
  };
};

