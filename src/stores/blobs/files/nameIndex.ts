import Database from 'better-sqlite3';
import type { BlobMeta, ListNamesOptions, NamedBlob } from '../port.js';
import { metaFromJson, nameRangeOf } from '../validation.js';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS blob_names (
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     size INTEGER NOT NULL,
     meta TEXT NOT NULL,
     PRIMARY KEY (namespace, name)
   ) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS blob_names_by_sha256 ON blob_names (sha256)',
  `CREATE TABLE IF NOT EXISTS blob_counters (
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     value INTEGER NOT NULL,
     PRIMARY KEY (namespace, name)
   ) WITHOUT ROWID`,
];

interface NameRow {
  namespace: string;
  name: string;
  sha256: string;
  size: number;
  meta: string;
}

const entryOf = (row: NameRow): NamedBlob => ({
  namespace: row.namespace,
  name: row.name,
  sha256: row.sha256,
  size: row.size,
  meta: metaFromJson(row.meta),
});

export interface NameIndex {
  /** Inserts or replaces; with `createOnly`, returns the existing entry instead of replacing it. */
  set(entry: { namespace: string; name: string; sha256: string; size: number; metaJson: string }, createOnly: boolean): NamedBlob | { taken: NamedBlob };
  get(namespace: string, name: string): NamedBlob | null;
  list(namespace: string, options: ListNamesOptions | undefined): NamedBlob[];
  delete(namespace: string, name: string): boolean;
  deleteAllFor(sha256: string): void;
  increment(namespace: string, name: string, by: number): number;
  counter(namespace: string, name: string): number;
  ping(): void;
  close(): void;
}

/**
 * Names and counters of the file blob store in SQLite. Every write is one statement, so it is
 * atomic even with several processes on the same directory (SQLite's write lock serialises them).
 */
export const openNameIndex = (file: string, options: { synchronous: 'FULL' | 'NORMAL'; busyTimeoutMs: number }): NameIndex => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`);
  for (const ddl of SCHEMA) db.exec(ddl);

  const upsertName = db.prepare<[string, string, string, number, string]>(
    `INSERT INTO blob_names (namespace, name, sha256, size, meta) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (namespace, name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, meta = excluded.meta`,
  );
  const insertName = db.prepare<[string, string, string, number, string]>(
    `INSERT INTO blob_names (namespace, name, sha256, size, meta) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (namespace, name) DO NOTHING`,
  );
  const selectName = db.prepare<[string, string], NameRow>(
    'SELECT namespace, name, sha256, size, meta FROM blob_names WHERE namespace = ? AND name = ?',
  );
  const deleteName = db.prepare<[string, string]>('DELETE FROM blob_names WHERE namespace = ? AND name = ?');
  const deleteNamesOf = db.prepare<[string]>('DELETE FROM blob_names WHERE sha256 = ?');
  const increment = db.prepare<[string, string, number], { value: number }>(
    `INSERT INTO blob_counters (namespace, name, value) VALUES (?, ?, ?)
     ON CONFLICT (namespace, name) DO UPDATE SET value = value + excluded.value
     RETURNING value`,
  );
  const selectCounter = db.prepare<[string, string], { value: number }>(
    'SELECT value FROM blob_counters WHERE namespace = ? AND name = ?',
  );
  const listStatements = new Map<string, Database.Statement<unknown[], NameRow>>();
  const listStatement = (exclusive: boolean, bounded: boolean, limited: boolean): Database.Statement<unknown[], NameRow> => {
    const key = `${exclusive}/${bounded}/${limited}`;
    let statement = listStatements.get(key);
    if (!statement) {
      statement = db.prepare<unknown[], NameRow>(
        `SELECT namespace, name, sha256, size, meta FROM blob_names
         WHERE namespace = ? AND name ${exclusive ? '>' : '>='} ?${bounded ? ' AND name < ?' : ''}
         ORDER BY name${limited ? ' LIMIT ?' : ''}`,
      );
      listStatements.set(key, statement);
    }
    return statement;
  };
  const ping = db.prepare('SELECT 1');

  const setName = db.transaction(
    (entry: { namespace: string; name: string; sha256: string; size: number; metaJson: string }, createOnly: boolean) => {
      const args = [entry.namespace, entry.name, entry.sha256, entry.size, entry.metaJson] as const;
      if (createOnly) {
        if (insertName.run(...args).changes === 0) {
          const existing = selectName.get(entry.namespace, entry.name);
          if (existing) return { taken: entryOf(existing) };
        }
      } else {
        upsertName.run(...args);
      }
      const meta: BlobMeta = metaFromJson(entry.metaJson);
      return { namespace: entry.namespace, name: entry.name, sha256: entry.sha256, size: entry.size, meta };
    },
  );

  return {
    set: (entry, createOnly) => setName.immediate(entry, createOnly),
    get: (namespace, name) => {
      const row = selectName.get(namespace, name);
      return row ? entryOf(row) : null;
    },
    list: (namespace, options) => {
      const range = nameRangeOf(options);
      const args: unknown[] = [namespace, range.from];
      if (range.to !== null) args.push(range.to);
      if (range.limit !== null) args.push(range.limit);
      return listStatement(range.fromExclusive, range.to !== null, range.limit !== null).all(...args).map(entryOf);
    },
    delete: (namespace, name) => deleteName.run(namespace, name).changes > 0,
    deleteAllFor: (sha256) => {
      deleteNamesOf.run(sha256);
    },
    increment: (namespace, name, by) => {
      const row = increment.get(namespace, name, by);
      if (!row) throw new Error('counter upsert returned no row');
      return row.value;
    },
    counter: (namespace, name) => selectCounter.get(namespace, name)?.value ?? 0,
    ping: () => {
      ping.get();
    },
    close: () => db.close(),
  };
};
