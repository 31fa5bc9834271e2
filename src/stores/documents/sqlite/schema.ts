import type { CollectionSpec } from '../port.js';
import { assertSafeCollectionName, assertValidSpec } from '../query.js';
import { jsonValueExpression, keyColumnName, quoteIdentifier } from './translateQuery.js';

/**
 * Collections live in tables named with this prefix and metadata in `meta_*` tables, so a
 * collection name can never collide with the store's own tables.
 */
const COLLECTION_PREFIX = 'doc_';

export const CHECKPOINTS_TABLE = 'meta_checkpoints';
export const ALIASES_TABLE = 'meta_aliases';

export const metadataDdl: readonly string[] = [
  // Positions are kept as decimal text: they are bigints that may not fit a signed 64-bit integer.
  `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (id TEXT PRIMARY KEY, position TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${ALIASES_TABLE} (logical TEXT PRIMARY KEY, physical TEXT NOT NULL)`,
];

export const tableOf = (collection: string): string => {
  assertSafeCollectionName(collection);
  return `${COLLECTION_PREFIX}${collection}`;
};

export const listCollectionsSql = `SELECT substr(name, ${COLLECTION_PREFIX.length + 1}) AS name FROM sqlite_schema
  WHERE type = 'table' AND name LIKE '${COLLECTION_PREFIX.replaceAll('_', '\\_')}%' ESCAPE '\\' ORDER BY name`;

/** The column holding a document's `_position` (the position guard of projection writes). */
export const POSITION_COLUMN = '_position';

/**
 * A table holds each document (`doc`) and, in columns of their own, its `_position` and the values
 * of its indexed fields: an update whose indexed values did not change then leaves those indexes
 * alone, where an index over an expression of `doc` is rewritten on every update.
 */
export const createTableSql = (table: string, fields: readonly string[] = []): string => {
  const keyColumns = fields.map((field) => `, ${quoteIdentifier(keyColumnName(field))}`).join('');
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL, ${POSITION_COLUMN}${keyColumns})`;
};

/** Declared fields other than `_id` (which is the primary key), each once. */
export const indexedFields = (spec: CollectionSpec): string[] => {
  assertValidSpec(spec);
  return [...new Set(spec.indexes)].filter((field) => field !== '_id');
};

/** Index over one key column, with `_id` so sorted pages need no sort step. */
export const keyIndexSql = (table: string, field: string): string =>
  `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`key:${table}:${field}`)} ON ${quoteIdentifier(table)} (${quoteIdentifier(keyColumnName(field))}, _id)`;

/** Indexes over expressions of `doc`, as earlier versions made them (`ix:<table>:<field>`). */
export const legacyIndexesSql = `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix:%'`;

/** Fills a key column added to a table that already holds documents. */
export const fillKeyColumnSql = (table: string, field: string): string =>
  `UPDATE ${quoteIdentifier(table)} SET ${quoteIdentifier(keyColumnName(field))} = ${jsonValueExpression(field)}`;

export const fillPositionColumnSql = (table: string): string =>
  `UPDATE ${quoteIdentifier(table)} SET ${POSITION_COLUMN} = CASE WHEN json_type(doc, '$._position') IN ('integer', 'real') THEN json_extract(doc, '$._position') END`;
