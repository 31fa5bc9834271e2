import type { CollectionSpec } from '../port.js';
import { assertSafeCollectionName, assertValidSpec } from '../query.js';
import { quoteIdentifier, valueExpression } from './translateQuery.js';

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

export const createTableSql = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`;

/** Table plus one expression index per declared field, with `_id` so sorted pages need no sort step. */
export const collectionDdl = (table: string, spec: CollectionSpec): string[] => {
  assertValidSpec(spec);
  const indexes = [...new Set(spec.indexes)]
    .filter((field) => field !== '_id')
    .map(
      (field) =>
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`ix:${table}:${field}`)} ON ${quoteIdentifier(table)} (${valueExpression(field)}, _id)`,
    );
  return [createTableSql(table), ...indexes];
};
