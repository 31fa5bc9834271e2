import { chunkedBulkWrite } from './chunkedBulkWrite.js';
import type { Collection, Document, Filter } from 'mongodb';
import { MongoClient } from 'mongodb';
import type {
  CollectionSpec,
  Doc,
  DocumentCollection,
  GuardedChange,
  ProjectionBatch,
  ReadStore,
  WriteOp,
} from '../port.js';
import { CheckpointConflictError, InvalidQueryError, ReadStoreUnavailableError } from '../errors.js';
import {
  assertSafeCollectionName,
  assertValidSpec,
  isSafeCollectionName,
  normaliseCountQuery,
  normaliseFindQuery,
} from '../query.js';
import { NAMESPACE_EXISTS, NAMESPACE_NOT_FOUND, serverCode, translateError } from './errors.js';
import {
  applyGuardedChanges,
  checkpointsOf,
  compareAndSetCheckpoint,
  isAlreadyCommitted,
  readCheckpoint,
} from './guardedWrites.js';
import { ALIASES_COLLECTION, indexNameOf, notTombstone } from './names.js';
import { loadedDoc, storedDoc } from './storedDoc.js';
import { filterOf, findOf } from './translateQuery.js';

export interface MongoReadStoreOptions {
  url: string;
  /** Defaults to the database named in the URL, else `fishtest`. */
  dbName?: string;
  /** How long an operation waits for a usable server before failing as unavailable; 5 s by default. */
  serverSelectionTimeoutMS?: number;
}

const DEFAULT_DB_NAME = 'fishtest';

type StoredDoc = Document & { _id: string };

interface AliasDoc {
  _id: string;
  physical: string;
}

const databaseInUrl = (url: string): string | undefined => {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
};

const checkDoc = (doc: Doc): void => {
  if (typeof doc !== 'object' || doc === null || typeof doc._id !== 'string' || doc._id === '') {
    throw new InvalidQueryError('a document needs a non-empty string _id');
  }
};

const checkId = (id: string): void => {
  if (typeof id !== 'string') throw new InvalidQueryError(`document ids are strings, got ${typeof id}`);
};

const checkChange = (change: GuardedChange): void => {
  assertSafeCollectionName(change.collection);
  checkId(change.id);
  if (typeof change.position !== 'number' || !Number.isFinite(change.position)) {
    throw new InvalidQueryError(`change position must be a finite number, got ${String(change.position)}`);
  }
  if (change.doc !== null && change.doc._id !== undefined && change.doc._id !== change.id) {
    throw new InvalidQueryError(`change for ${change.id} carries a document with _id ${String(change.doc._id)}`);
  }
};

const writeOpOf = (op: WriteOp) => {
  if (op.op === 'upsert') {
    checkDoc(op.doc);
    return { replaceOne: { filter: { _id: op.doc._id }, replacement: storedDoc(op.doc), upsert: true } };
  }
  if (op.op === 'delete') {
    checkId(op.id);
    return { deleteOne: { filter: { _id: op.id } } };
  }
  throw new InvalidQueryError(`unknown write op ${JSON.stringify((op as { op: unknown }).op)}`);
};

export const createMongoReadStore = (options: MongoReadStoreOptions): ReadStore => {
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    ignoreUndefined: true,
  });
  const db = client.db(options.dbName ?? databaseInUrl(options.url) ?? DEFAULT_DB_NAME);
  let closed = false;
  /** Collections whose indexes this store has created, so handles do it once. */
  const ensured = new Map<string, Promise<void>>();

  const run = async <R>(work: () => Promise<R>): Promise<R> => {
    // The driver would silently reconnect a closed client; a closed store stays closed.
    if (closed) throw new ReadStoreUnavailableError('the MongoDB read store is closed');
    try {
      return await work();
    } catch (error) {
      throw translateError(error);
    }
  };

  const createCollectionAndIndexes = async (name: string, spec: CollectionSpec): Promise<void> => {
    try {
      await db.createCollection(name);
    } catch (error) {
      if (serverCode(error) !== NAMESPACE_EXISTS) throw error;
    }
    // Text fields get no index: a case-insensitive substring match cannot use one.
    const fields = [...new Set(spec.indexes)].filter((field) => field !== '_id');
    if (fields.length === 0) return;
    const docs = db.collection(name);
    const existing = new Set((await docs.listIndexes().toArray()).map((index) => index.name as string));
    // One at a time, and only the missing ones: FerretDB 1.24 drops the connection when one
    // createIndexes command repeats several existing indexes.
    for (const field of fields) {
      if (existing.has(indexNameOf(field))) continue;
      await docs.createIndex({ [field]: 1, _id: 1 }, { name: indexNameOf(field) });
    }
  };

  const ensureCollection = (name: string, spec: CollectionSpec): Promise<void> => {
    assertSafeCollectionName(name);
    assertValidSpec(spec);
    const pending = createCollectionAndIndexes(name, spec);
    ensured.set(name, pending);
    pending.catch(() => ensured.delete(name));
    return pending;
  };

  const collection = <T extends Doc = Doc>(name: string, spec: CollectionSpec): DocumentCollection<T> => {
    assertSafeCollectionName(name);
    assertValidSpec(spec);
    const docs = db.collection<StoredDoc>(name);
    /** Creates the collection and its indexes on first use, as the SQLite adapter does. */
    const withCollection = <R>(work: () => Promise<R>): Promise<R> =>
      run(async () => {
        await (ensured.get(name) ?? ensureCollection(name, spec));
        return await work();
      });
    const visible = (filter: Filter<StoredDoc>): Filter<StoredDoc> => ({ ...filter, ...notTombstone });

    return {
      name,
      get: async (id) => {
        checkId(id);
        return withCollection(async () => {
          const found = await docs.findOne(visible({ _id: id }));
          return found === null ? null : loadedDoc<T>(found);
        });
      },
      getMany: async (ids) => {
        ids.forEach(checkId);
        const unique = [...new Set(ids)];
        if (unique.length === 0) return [];
        return withCollection(async () => {
          const found = await docs.find(visible({ _id: { $in: unique } })).toArray();
          const byId = new Map(found.map((doc) => [doc._id, loadedDoc<T>(doc)]));
          return unique.flatMap((id) => byId.get(id) ?? []);
        });
      },
      upsert: async (doc) => {
        const op = writeOpOf({ op: 'upsert', doc });
        await withCollection(() => docs.bulkWrite([op]));
      },
      delete: async (id) => {
        checkId(id);
        await withCollection(() => docs.deleteOne({ _id: id }));
      },
      bulkWrite: async (ops) => {
        const writes = ops.map(writeOpOf);
        if (writes.length === 0) return;
        await withCollection(() => chunkedBulkWrite(docs, writes, { ordered: true }));
      },
      find: async (query) => {
        const mongoFind = findOf(normaliseFindQuery(query, spec));
        if (mongoFind.limit === 0) return [];
        return withCollection(async () => {
          let cursor = docs.find(mongoFind.filter as Filter<StoredDoc>).sort(mongoFind.sort);
          if (mongoFind.skip > 0) cursor = cursor.skip(mongoFind.skip);
          if (mongoFind.limit !== null) cursor = cursor.limit(mongoFind.limit);
          return (await cursor.toArray()).map((doc) => loadedDoc<T>(doc));
        });
      },
      count: async (query) => {
        const filter = filterOf(normaliseCountQuery(query, spec));
        return withCollection(() => docs.countDocuments(filter as Filter<StoredDoc>));
      },
    };
  };

  const aliases = (): Collection<AliasDoc> => db.collection<AliasDoc>(ALIASES_COLLECTION);

  const commitProjectionBatch = async (batch: ProjectionBatch): Promise<void> => {
    batch.changes.forEach(checkChange);
    await run(async () => {
      // Not needed for correctness (the compare-and-set below decides), but a runner that has
      // fallen behind learns it before writing anything.
      const current = await readCheckpoint(db, batch.checkpointId);
      if (current !== batch.from) {
        if (isAlreadyCommitted(current, batch.to)) return;
        throw new CheckpointConflictError(batch.checkpointId, batch.from, current);
      }
      await applyGuardedChanges(db, batch.changes);
      await compareAndSetCheckpoint(db, batch.checkpointId, batch.from, batch.to);
    });
  };

  return {
    kind: 'mongodb',
    ensureCollection: async (name, spec) => {
      assertSafeCollectionName(name);
      assertValidSpec(spec);
      await run(() => ensureCollection(name, spec));
    },
    collection,
    dropCollection: async (name) => {
      assertSafeCollectionName(name);
      await run(async () => {
        ensured.delete(name);
        try {
          await db.dropCollection(name);
        } catch (error) {
          if (serverCode(error) !== NAMESPACE_NOT_FOUND) throw error;
        }
      });
    },
    listCollections: () =>
      run(async () => {
        const found = await db.listCollections({}, { nameOnly: true }).toArray();
        return found
          .map((info) => info.name)
          .filter(isSafeCollectionName)
          .sort();
      }),

    getCheckpoint: (id) => run(() => readCheckpoint(db, id)),
    commitProjectionBatch,
    deleteCheckpoint: (id) => run(async () => void (await checkpointsOf(db).deleteOne({ _id: id }))),

    getAlias: (logical) =>
      run(async () => (await aliases().findOne({ _id: logical }))?.physical ?? null),
    setAlias: async (logical, physical) => {
      assertSafeCollectionName(logical);
      assertSafeCollectionName(physical);
      await run(() => aliases().updateOne({ _id: logical }, { $set: { physical } }, { upsert: true }));
    },

    ping: () => run(async () => void (await db.command({ ping: 1 }))),
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
};
