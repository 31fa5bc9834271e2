import Database from 'better-sqlite3';
import type { CollectionSpec, Doc, DocumentCollection, GuardedChange, ProjectionBatch, ReadStore, WriteOp } from '../port.js';
import { CheckpointConflictError, InvalidQueryError, ReadStoreUnavailableError } from '../errors.js';
import { assertSafeCollectionName, normaliseCountQuery, normaliseFindQuery } from '../query.js';
import { ALIASES_TABLE, CHECKPOINTS_TABLE, listCollectionsSql, metadataDdl, tableOf } from './schema.js';
import { createDocumentTables } from './documentTables.js';
import type { SqlParam } from './translateQuery.js';
import { CASEFOLD_FUNCTION, countSql, findSql, quoteIdentifier } from './translateQuery.js';
import { startWalCheckpointer } from '../../sqlite/walCheckpointer.js';
import type { WriteGate } from '../../sqlite/writeGate.js';
import { createWriteGate } from '../../sqlite/writeGate.js';

export interface SqliteReadStoreOptions {
  /** A file path (or ':memory:'). */
  path: string;
  /** NORMAL (default) may lose the last commits on power loss, but documents and checkpoints together. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long to wait for another connection's write lock; 5 s by default. */
  busyTimeoutMs?: number;
  /**
   * How often a thread of its own checkpoints the WAL (see walCheckpointer.ts); 1 s by default.
   * 0 leaves it to SQLite, inside the commits of this connection.
   */
  checkpointIntervalMs?: number;
  /** Once the WAL file is this large, the checkpointer empties it; 64 MiB by default. */
  truncateWalAboveBytes?: number;
  /** Shared by the writer and its WAL checkpointer (tests pass their own, to hold it themselves). */
  writeGate?: WriteGate;
}

const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;
/** Past this size the checkpointer empties the WAL (see walCheckpointer.ts). */
const TRUNCATE_WAL_ABOVE_BYTES = 64 * 1024 * 1024;

const STATEMENT_CACHE_LIMIT = 512;
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|PROTOCOL)/;

const sqliteCode = (error: unknown): string | undefined =>
  error instanceof Database.SqliteError ? error.code : undefined;

const isMissingTable = (error: unknown): boolean =>
  error instanceof Database.SqliteError && error.message.startsWith('no such table');

const checkDoc = (doc: Doc): void => {
  if (typeof doc !== 'object' || doc === null || typeof doc._id !== 'string' || doc._id === '') {
    throw new InvalidQueryError('a document needs a non-empty string _id');
  }
};

const checkId = (id: string): void => {
  if (typeof id !== 'string') throw new InvalidQueryError(`document ids are strings, got ${typeof id}`);
};

export const createSqliteReadStore = (options: SqliteReadStoreOptions): ReadStore => {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5_000))}`);
  db.function(CASEFOLD_FUNCTION, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : null,
  );
  for (const ddl of metadataDdl) db.exec(ddl);
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 1_000;
  const gate =
    checkpointIntervalMs > 0 && !db.memory
      ? (options.writeGate ?? createWriteGate())
      : undefined;
  const checkpointer = gate
    ? startWalCheckpointer({
        path: db.name,
        intervalMs: checkpointIntervalMs,
        gate,
        truncateAboveBytes: options.truncateWalAboveBytes ?? TRUNCATE_WAL_ABOVE_BYTES,
        onFailure: () => {
          if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
        },
      })
    : undefined;
  if (checkpointer) db.pragma('wal_autocheckpoint = 0');

  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let prepared = statements.get(sql);
    if (!prepared) {
      if (statements.size >= STATEMENT_CACHE_LIMIT) statements.clear();
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  const tables = createDocumentTables(db, statement);
  const ensureTable = (table: string, spec?: CollectionSpec): void => tables.ensure(table, spec);

  const run = <R>(work: () => R): Promise<R> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(translateError(error));
    }
  };
  /** Writes queued while the checkpointer holds the gate, run in order once it is released. */
  let gatedWrites: Array<() => void> = [];
  const runGatedWrites = (): void => {
    if (!gate) return;
    if (!gate.tryEnter()) {
      gate.whenReleased(runGatedWrites);
      return;
    }
    try {
      const writes = gatedWrites;
      gatedWrites = [];
      for (const write of writes) write();
    } finally {
      gate.leave();
    }
  };
  const write = <R>(work: () => R): Promise<R> => {
    if (!gate) return run(work);
    if (gatedWrites.length === 0 && gate.tryEnter()) {
      try {
        return run(work);
      } finally {
        gate.leave();
      }
    }
    return new Promise<R>((resolve, reject) => {
      gatedWrites.push(() => void run(work).then(resolve, reject));
      if (gatedWrites.length === 1) gate.whenReleased(runGatedWrites);
    });
  };
  const translateError = (error: unknown): unknown => {
    if (!db.open) return new ReadStoreUnavailableError('the SQLite read store is closed', { cause: error });
    const code = sqliteCode(error);
    if (code && UNAVAILABLE_CODES.test(code)) {
      return new ReadStoreUnavailableError(`SQLite read store unavailable (${code})`, { cause: error });
    }
    return error;
  };

  const parseDoc = <T>(row: unknown): T => JSON.parse((row as { doc: string }).doc) as T;

  // Documents are stored as JSONB, which `json_extract` (text search, kind checks) reads without parsing.
  const applyOps = (table: string, ops: readonly WriteOp[]): void => {
    tables.refreshIfSchemaChanged();
    for (const op of ops) {
      if (op.op === 'upsert') {
        checkDoc(op.doc);
        tables.put(table, op.doc._id, op.doc);
      } else if (op.op === 'delete') {
        checkId(op.id);
        tables.remove(table, op.id);
      } else {
        throw new InvalidQueryError(`unknown write op ${JSON.stringify((op as { op: unknown }).op)}`);
      }
    }
  };

  const collection = <T extends Doc = Doc>(name: string, spec: CollectionSpec): DocumentCollection<T> => {
    const table = tableOf(name);
    let ready = false;
    /** Creates the table on first use, and again if another connection dropped it meanwhile. */
    const withTable = <R>(work: () => R, runner: (work: () => R) => Promise<R> = run): Promise<R> =>
      runner(() => {
        if (!ready) {
          ensureTable(table, spec);
          ready = true;
        }
        try {
          return work();
        } catch (error) {
          if (!isMissingTable(error)) throw error;
          tables.forget(table);
          ensureTable(table, spec);
          return work();
        }
      });

    return {
      name,
      get: (id) =>
        withTable(() => {
          checkId(id);
          const row = statement(`SELECT json(doc) AS doc FROM ${quoteIdentifier(table)} WHERE _id = ?`).get(id);
          return row === undefined ? null : parseDoc<T>(row);
        }),
      getMany: (ids) =>
        withTable(() => {
          ids.forEach(checkId);
          if (ids.length === 0) return [];
          const rows = statement(
            `SELECT _id, json(doc) AS doc FROM ${quoteIdentifier(table)} WHERE _id IN (SELECT value FROM json_each(?))`,
          ).all(JSON.stringify(ids)) as { _id: string; doc: string }[];
          const byId = new Map(rows.map((row) => [row._id, row]));
          return [...new Set(ids)].flatMap((id) => {
            const row = byId.get(id);
            return row ? [parseDoc<T>(row)] : [];
          });
        }),
      upsert: (doc) => withTable(() => applyOps(table, [{ op: 'upsert', doc }]), write),
      delete: (id) => withTable(() => applyOps(table, [{ op: 'delete', id }]), write),
      bulkWrite: (ops) => withTable(() => db.transaction(() => applyOps(table, ops))(), write),
      find: (query) =>
        withTable(() => {
          const { sql, params } = findSql(table, normaliseFindQuery(query, spec));
          return statement(sql)
            .all(...(params as SqlParam[]))
            .map((row) => parseDoc<T>(row));
        }),
      count: (query) =>
        withTable(() => {
          const { sql, params } = countSql(table, normaliseCountQuery(query, spec));
          return (statement(sql).get(...(params as SqlParam[])) as { n: number }).n;
        }),
    };
  };

  const readCheckpoint = (id: string): bigint | null => {
    const row = statement(`SELECT position FROM ${CHECKPOINTS_TABLE} WHERE id = ?`).get(id) as
      | { position: string }
      | undefined;
    return row === undefined ? null : BigInt(row.position);
  };

  const applyGuardedChange = (change: GuardedChange): void => {
    const table = tableOf(change.collection);
    checkId(change.id);
    if (typeof change.position !== 'number' || !Number.isFinite(change.position)) {
      throw new InvalidQueryError(`change position must be a finite number, got ${String(change.position)}`);
    }
    ensureTable(table);
    if (change.doc === null) {
      tables.remove(table, change.id, change.position);
      return;
    }
    if (change.doc._id !== undefined && change.doc._id !== change.id) {
      throw new InvalidQueryError(`change for ${change.id} carries a document with _id ${String(change.doc._id)}`);
    }
    tables.put(table, change.id, { ...change.doc, _id: change.id, _position: change.position }, change.position);
  };

  const commitBatch = db.transaction((batch: ProjectionBatch) => {
    const current = readCheckpoint(batch.checkpointId);
    if (current !== batch.from) {
      // Already applied: a retry of a batch whose acknowledgement was lost.
      if (current === batch.to) return;
      throw new CheckpointConflictError(batch.checkpointId, batch.from, current);
    }
    tables.refreshIfSchemaChanged();
    for (const change of batch.changes) applyGuardedChange(change);
    statement(
      `INSERT INTO ${CHECKPOINTS_TABLE} (id, position) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position`,
    ).run(batch.checkpointId, batch.to.toString());
  });

  const checkAliasName = (name: string): void => assertSafeCollectionName(name);

  return {
    kind: 'sqlite',
    ensureCollection: (name, spec) => write(() => ensureTable(tableOf(name), spec)),
    collection,
    dropCollection: (name) =>
      write(() => {
        const table = tableOf(name);
        db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
        tables.forget(table);
        statements.clear();
      }),
    listCollections: () =>
      run(() => (statement(listCollectionsSql).all() as { name: string }[]).map((row) => row.name)),

    getCheckpoint: (id) => run(() => readCheckpoint(id)),
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
    // can fail with SQLITE_BUSY without waiting when another connection committed in between.
    commitProjectionBatch: (batch) =>
      write(() => {
        try {
          commitBatch.immediate(batch);
        } catch (error) {
          // A rolled-back batch may have created tables this connection now wrongly remembers.
          tables.forget();
          throw error;
        }
      }),
    deleteCheckpoint: (id) => write(() => void statement(`DELETE FROM ${CHECKPOINTS_TABLE} WHERE id = ?`).run(id)),

    getAlias: (logical) =>
      run(() => {
        const row = statement(`SELECT physical FROM ${ALIASES_TABLE} WHERE logical = ?`).get(logical) as
          | { physical: string }
          | undefined;
        return row?.physical ?? null;
      }),
    setAlias: (logical, physical) =>
      write(() => {
        checkAliasName(logical);
        checkAliasName(physical);
        statement(
          `INSERT INTO ${ALIASES_TABLE} (logical, physical) VALUES (?, ?) ON CONFLICT (logical) DO UPDATE SET physical = excluded.physical`,
        ).run(logical, physical);
      }),

    ping: () => run(() => void statement('SELECT 1').get()),
    close: async () => {
      await checkpointer?.stop();
      // Stopping opened the gate; writes still queued behind it go in before the connection closes.
      if (gatedWrites.length > 0) runGatedWrites();
      return run(() => {
        if (db.open) db.close();
      });
    },
  };
};
