import type { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import type { BlobInput, BlobMeta, BlobRef, BlobStore, ListNamesOptions, NamedBlob, PutOptions, SetNameOptions } from '../port.js';
import { BlobNameTakenError, BlobNotFoundError, BlobStoreUnavailableError } from '../errors.js';
import { checkStoredBytes, collect, copyHashing, verifiedStream } from '../bytes.js';
import {
  AFTER_LAST_NAME_CHAR,
  checkIncrement,
  checkName,
  checkNamespace,
  checkPutOptions,
  checkSha256,
  metaFromJson,
  metaToJson,
  nameRangeOf,
} from '../validation.js';
import type { GridFsFileDoc, NameDoc } from './collections.js';
import { blobCollections, nameKey } from './collections.js';
import { createCounterWriter } from './counters.js';
import { isDuplicateKey, translateMongoError } from './errors.js';
import { deleteFile, sweepPending } from './pending.js';
import { uploadBlob } from './upload.js';

export interface GridFsBlobStoreOptions {
  url: string;
  /** Defaults to the database named in the URL, else `fishtest`. */
  dbName?: string;
  /** Prefix of the store's collections; `blobs` by default. */
  bucketName?: string;
  serverSelectionTimeoutMS?: number;
  /**
   * Pending uploads and deletes older than this are taken as abandoned by a dead process and
   * cleaned up when a store starts; two hours by default. An upload gives up at half this age.
   */
  staleAfterMs?: number;
}

const DEFAULT_DB_NAME = 'fishtest';
const DEFAULT_STALE_AFTER_MS = 2 * 60 * 60 * 1000;

const databaseInUrl = (url: string): string | undefined => {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
};

const entryOf = (doc: NameDoc): NamedBlob => {
  const slash = doc._id.indexOf('/');
  return {
    namespace: doc._id.slice(0, slash),
    name: doc._id.slice(slash + 1),
    sha256: doc.sha256,
    size: doc.size,
    meta: metaFromJson(doc.meta),
  };
};

/**
 * Blobs in GridFS (files named by their sha256) with names and counters in plain collections
 * beside the bucket. Uses no transactions, so it runs on a standalone server and on FerretDB.
 */
export const createGridFsBlobStore = (options: GridFsBlobStoreOptions): BlobStore => {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000 });
  const db = client.db(options.dbName ?? databaseInUrl(options.url) ?? DEFAULT_DB_NAME);
  const collections = blobCollections(db, options.bucketName ?? 'blobs');
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const counterWriter = createCounterWriter(collections.counters);
  let closed = false;

  let preparing: Promise<void> | null = null;
  const prepare = (): Promise<void> => {
    preparing ??= (async () => {
      // Pending filenames are unique too, so a unique filename makes "stored once" hold under races.
      await collections.files.createIndex({ filename: 1 }, { unique: true, name: 'filename_unique' });
      await collections.names.createIndex({ sha256: 1 }, { name: 'sha256' });
      await collections.pending.createIndex({ at: 1 }, { name: 'at' });
      await sweepPending(collections, staleAfterMs);
    })();
    preparing.catch(() => {
      preparing = null;
    });
    return preparing;
  };

  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    // The driver would silently reconnect a closed client; a closed store stays closed.
    if (closed) throw new BlobStoreUnavailableError('GridFS blob store is closed');
    try {
      await prepare();
      return await operation();
    } catch (error) {
      throw translateMongoError(error);
    }
  };

  const committedFile = (sha256: string): Promise<GridFsFileDoc | null> =>
    collections.files.findOne({ filename: checkSha256(sha256) });

  const put = (input: BlobInput, putOptions?: PutOptions): Promise<BlobRef> =>
    guard(async () => {
      const limits = checkPutOptions(putOptions);
      if (input instanceof Uint8Array) {
        const ref = await copyHashing(input, async () => undefined, limits);
        if (await committedFile(ref.sha256)) return ref;
        return await uploadBlob(collections, input, limits, staleAfterMs / 2, ref);
      }
      return await uploadBlob(collections, input, limits, staleAfterMs / 2);
    });

  const openRead = (sha256: string): Promise<Readable | null> =>
    guard(async () => {
      const file = await committedFile(sha256);
      if (!file) return null;
      return verifiedStream(collections.bucket.openDownloadStream(file._id), sha256, file.length);
    });

  const setName = (namespace: string, name: string, sha256: string, meta?: BlobMeta, setOptions?: SetNameOptions): Promise<NamedBlob> =>
    guard(async () => {
      const key = nameKey(checkNamespace(namespace), checkName(name));
      const metaJson = metaToJson(meta);
      const file = await committedFile(sha256);
      if (!file) throw new BlobNotFoundError(sha256);
      const doc: NameDoc = { _id: key, sha256, size: file.length, meta: metaJson };
      if (setOptions?.mode === 'create') {
        try {
          await collections.names.insertOne(doc);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const existing = await collections.names.findOne({ _id: key });
          throw new BlobNameTakenError(namespace, name, existing?.sha256 ?? null);
        }
      } else {
        try {
          await collections.names.replaceOne({ _id: key }, doc, { upsert: true });
        } catch (error) {
          // A concurrent upsert inserted it first; now it is a plain replace.
          if (!isDuplicateKey(error)) throw error;
          await collections.names.replaceOne({ _id: key }, doc, { upsert: true });
        }
      }
      return entryOf(doc);
    });

  const listNames = (namespace: string, listOptions?: ListNamesOptions): Promise<NamedBlob[]> =>
    guard(async () => {
      const base = `${checkNamespace(namespace)}/`;
      const range = nameRangeOf(listOptions);
      if (range.limit === 0) return [];
      const filter = {
        _id: {
          [range.fromExclusive ? '$gt' : '$gte']: base + range.from,
          $lt: base + (range.to ?? AFTER_LAST_NAME_CHAR),
        },
      };
      let cursor = collections.names.find(filter).sort({ _id: 1 });
      if (range.limit !== null) cursor = cursor.limit(range.limit);
      return (await cursor.toArray()).map(entryOf);
    });

  return {
    kind: 'gridfs',
    put,
    has: (sha256) => guard(async () => (await committedFile(sha256)) !== null),
    size: (sha256) => guard(async () => (await committedFile(sha256))?.length ?? null),
    get: (sha256) =>
      guard(async () => {
        const file = await committedFile(sha256);
        if (!file) return null;
        return checkStoredBytes(sha256, file.length, await collect(collections.bucket.openDownloadStream(file._id)));
      }),
    openRead,
    delete: (sha256) =>
      guard(async () => {
        checkSha256(sha256);
        // Names first: a crash in between leaves an unnamed blob, never a name without its blob.
        await collections.names.deleteMany({ sha256 });
        // More than one file only where the unique filename index is missing; remove them all.
        const files = await collections.files.find({ filename: sha256 }, { projection: { _id: 1 } }).toArray();
        for (const file of files) await deleteFile(collections, file._id);
        return files.length > 0;
      }),
    setName,
    getName: (namespace, name) =>
      guard(async () => {
        const doc = await collections.names.findOne({ _id: nameKey(checkNamespace(namespace), checkName(name)) });
        return doc ? entryOf(doc) : null;
      }),
    listNames,
    deleteName: (namespace, name) =>
      guard(async () => {
        const result = await collections.names.deleteOne({ _id: nameKey(checkNamespace(namespace), checkName(name)) });
        return result.deletedCount > 0;
      }),
    incrementCounter: (namespace, name, by = 1) =>
      guard(() => counterWriter.increment(nameKey(checkNamespace(namespace), checkName(name)), checkIncrement(by))),
    getCounter: (namespace, name) =>
      guard(async () => {
        const doc = await collections.counters.findOne({ _id: nameKey(checkNamespace(namespace), checkName(name)) });
        return Number(doc?.value ?? 0);
      }),
    ping: () =>
      guard(async () => {
        await db.command({ ping: 1 });
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await counterWriter.idle();
      await client.close();
    },
  };
};
