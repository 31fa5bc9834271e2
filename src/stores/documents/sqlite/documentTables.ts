import type Database from 'better-sqlite3';
import type { CollectionSpec, Doc } from '../port.js';
import { keyValueAt, type KeyValue } from './keyValues.js';
import {
  createTableSql,
  fillKeyColumnSql,
  fillPositionColumnSql,
  indexedFields,
  keyIndexSql,
  legacyIndexesSql,
  POSITION_COLUMN,
} from './schema.js';
import { KEY_COLUMN_PREFIX, keyColumnName, quoteIdentifier } from './translateQuery.js';

/** The columns a table has beyond `_id` and `doc`, as this connection last read them. */
interface Layout {
  fields: readonly string[];
  segments: readonly (readonly string[])[];
  selectSql: string;
  insertSql: string;
  deleteSql: string;
}

export interface DocumentTables {
  /** Creates the table, or brings one written by an earlier version up to date, with the spec's key columns and indexes. */
  ensure(table: string, spec?: CollectionSpec): void;
  /**
   * Inserts or replaces a document. With `guard`, a stored document at or past that position is
   * left alone (a replay after a partial write).
   */
  put(table: string, id: string, doc: Doc, guard?: number): void;
  remove(table: string, id: string, guard?: number): void;
  /** Forgets what this connection knows of one table, or of all (after a rollback or a drop). */
  forget(table?: string): void;
  /** Forgets the layouts when another connection changed the schema; call at the start of a write transaction. */
  refreshIfSchemaChanged(): void;
}

export const createDocumentTables = (
  db: Database.Database,
  statement: (sql: string) => Database.Statement,
): DocumentTables => {
  const knownTables = new Set<string>();
  /** The spec each table was last brought up to date with, so a new handle on it costs nothing. */
  const appliedSpecs = new Map<string, string>();
  const layouts = new Map<string, Layout>();
  let schemaVersion = -1;

  const columnsOf = (table: string): Set<string> =>
    new Set((db.prepare(`PRAGMA table_info(${quoteIdentifier(table)})`).all() as { name: string }[]).map((c) => c.name));

  const upgrade = (table: string, fields: readonly string[]): void => {
    db.exec(createTableSql(table, fields));
    const columns = columnsOf(table);
    const t = quoteIdentifier(table);
    if (!columns.has(POSITION_COLUMN)) {
      db.exec(`ALTER TABLE ${t} ADD COLUMN ${POSITION_COLUMN}`);
      db.exec(fillPositionColumnSql(table));
    }
    for (const field of fields) {
      if (columns.has(keyColumnName(field))) continue;
      db.exec(`ALTER TABLE ${t} ADD COLUMN ${quoteIdentifier(keyColumnName(field))}`);
      db.exec(fillKeyColumnSql(table, field));
    }
    for (const { name } of db.prepare(legacyIndexesSql).all(table) as { name: string }[]) {
      db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(name)}`);
    }
    for (const field of fields) db.exec(keyIndexSql(table, field));
  };

  // IMMEDIATE: the upgrade reads the table's columns before it alters them, and a deferred
  // transaction that reads first fails at once with SQLITE_BUSY when another connection (or a
  // checkpoint emptying the WAL) holds the write lock, instead of waiting for it. Inside a projection
  // batch this is a savepoint of the batch's own IMMEDIATE transaction.
  const upgradeAtOnce = db.transaction(upgrade);
  const ensure = (table: string, spec?: CollectionSpec): void => {
    if (spec) {
      const fields = indexedFields(spec);
      const key = fields.join('\n');
      if (knownTables.has(table) && appliedSpecs.get(table) === key) return;
      upgradeAtOnce.immediate(table, fields);
      appliedSpecs.set(table, key);
      layouts.delete(table);
    } else if (!knownTables.has(table)) {
      upgradeAtOnce.immediate(table, []);
      layouts.delete(table);
    }
    knownTables.add(table);
  };

  const layoutOf = (table: string): Layout => {
    const known = layouts.get(table);
    if (known) return known;
    const fields = [...columnsOf(table)]
      .filter((name) => name.startsWith(KEY_COLUMN_PREFIX))
      .map((name) => name.slice(KEY_COLUMN_PREFIX.length));
    const t = quoteIdentifier(table);
    const keyColumns = fields.map((field) => quoteIdentifier(keyColumnName(field)));
    const layout: Layout = {
      fields,
      segments: fields.map((field) => field.split('.')),
      selectSql: `SELECT ${[POSITION_COLUMN, ...keyColumns].join(', ')} FROM ${t} WHERE _id = ?`,
      insertSql: `INSERT INTO ${t} (${['_id', 'doc', POSITION_COLUMN, ...keyColumns].join(', ')}) VALUES (?, jsonb(?), ?${', ?'.repeat(fields.length)})`,
      deleteSql: `DELETE FROM ${t} WHERE _id = ?`,
    };
    layouts.set(table, layout);
    return layout;
  };

  const updateSql = (table: string, layout: Layout, changed: readonly number[]): string => {
    const sets = changed.map((k) => `, ${quoteIdentifier(keyColumnName(layout.fields[k] ?? ''))} = ?`).join('');
    return `UPDATE ${quoteIdentifier(table)} SET doc = jsonb(?), ${POSITION_COLUMN} = ?${sets} WHERE _id = ?`;
  };

  /** The stored row's position and key values, or undefined when there is none. */
  const storedRow = (layout: Layout, id: string): unknown[] | undefined =>
    statement(layout.selectSql).raw(true).get(id) as unknown[] | undefined;

  const isAtOrPast = (stored: unknown, guard: number | undefined): boolean =>
    guard !== undefined && typeof stored === 'number' && stored >= guard;

  return {
    ensure,
    put(table, id, doc, guard) {
      const layout = layoutOf(table);
      const json = JSON.stringify(doc);
      const position = typeof doc._position === 'number' && Number.isFinite(doc._position) ? doc._position : null;
      const values: KeyValue[] = layout.segments.map((segments) => keyValueAt(doc, segments));
      const row = storedRow(layout, id);
      if (row === undefined) {
        statement(layout.insertSql).run(id, json, position, ...values);
        return;
      }
      if (isAtOrPast(row[0], guard)) return;
      const changed: number[] = [];
      for (let k = 0; k < values.length; k++) if (row[k + 1] !== values[k]) changed.push(k);
      statement(updateSql(table, layout, changed)).run(json, position, ...changed.map((k) => values[k]), id);
    },
    remove(table, id, guard) {
      const layout = layoutOf(table);
      if (guard !== undefined) {
        const row = storedRow(layout, id);
        if (row === undefined || isAtOrPast(row[0], guard)) return;
      }
      statement(layout.deleteSql).run(id);
    },
    forget(table) {
      if (table === undefined) {
        knownTables.clear();
        appliedSpecs.clear();
        layouts.clear();
        return;
      }
      knownTables.delete(table);
      appliedSpecs.delete(table);
      layouts.delete(table);
    },
    refreshIfSchemaChanged() {
      const version = db.pragma('schema_version', { simple: true }) as number;
      if (version === schemaVersion) return;
      schemaVersion = version;
      layouts.clear();
    },
  };
};
