/**
 * Translates normalised queries (see ../query.ts) into SQL over a collection table
 * `(_id TEXT PRIMARY KEY, doc)`, where `doc` is JSONB (or JSON text, as stored by earlier versions:
 * the JSON functions accept both). Values are always bound parameters; field paths are
 * written into the SQL text because an expression index is only used when the query repeats
 * its expression literally, and they are safe because ../query.ts only lets declared,
 * pattern-checked paths through.
 */
import type { FieldValue } from '../port.js';
import type { NormalisedFilter, NormalisedFind, Predicate, RangeValue } from '../query.js';
import { isSafeFieldPath } from '../query.js';

export type SqlParam = string | number;

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** Registered on every connection; lower-cases strings the way JavaScript does (full Unicode). */
export const CASEFOLD_FUNCTION = 'rs_casefold';

const jsonPath = (field: string): string => {
  // Redundant with the spec check, but this is the one place a path reaches SQL text.
  if (!isSafeFieldPath(field)) throw new Error(`unsafe field path ${JSON.stringify(field)}`);
  return `'$.${field}'`;
};

/**
 * Missing and null fields are indexed and compared as -Infinity, a value JSON cannot hold. It
 * sorts where NULL would (first ascending, last descending), and unlike NULL it takes part in
 * row-value comparisons, so a keyset page is one index range even across the null section.
 */
const MISSING = '-9e999';

/** A field's value read from the document itself (text search, and filling a new key column). */
export const jsonValueExpression = (field: string): string =>
  field === '_id' ? '_id' : `ifnull(json_extract(doc, ${jsonPath(field)}), ${MISSING})`;

/** Names of the columns holding indexed values start with this, then the field's path. */
export const KEY_COLUMN_PREFIX = 'key:';

/** The column holding an indexed field's value (`jsonValueExpression` of the document). */
export const keyColumnName = (field: string): string => {
  if (!isSafeFieldPath(field)) throw new Error(`unsafe field path ${JSON.stringify(field)}`);
  return `${KEY_COLUMN_PREFIX}${field}`;
};

/** An indexed field's value in queries: its key column. */
export const valueExpression = (field: string): string => (field === '_id' ? '_id' : quoteIdentifier(keyColumnName(field)));

const typeExpression = (field: string): string => `json_type(doc, ${jsonPath(field)})`;

const bindable = (value: string | number | boolean): SqlParam =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value;

/**
 * SQLite's json_extract gives 1/0 for JSON true/false and orders numbers before text, and the
 * missing-value sentinel is a number, so comparisons are confined to the value's own kind with
 * a json_type check (the indexed expression still drives the search; the kind check filters
 * the rows it finds).
 */
const kindGuard = (field: string, value: RangeValue): string => {
  if (field === '_id') return '';
  switch (typeof value) {
    case 'string':
      return ` AND ${typeExpression(field)} = 'text'`;
    case 'number':
      return ` AND ${typeExpression(field)} IN ('integer', 'real')`;
    case 'boolean':
      return ` AND ${typeExpression(field)} IN ('true', 'false')`;
  }
};

const isMissing = (field: string): SqlFragment => ({ sql: `${valueExpression(field)} = ${MISSING}`, params: [] });

/**
 * Never NULL: the value expression is never NULL, and the kind guard only runs on a match. Strings
 * need the guard too: json_extract returns an object or array field as its JSON text.
 */
const equals = (field: string, value: Exclude<FieldValue, null>): SqlFragment => {
  const x = valueExpression(field);
  if (field === '_id') return { sql: `${x} = ?`, params: [bindable(value)] };
  return { sql: `(${x} = ?${kindGuard(field, value)})`, params: [bindable(value)] };
};

const rangeOperators = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

const inList = (field: string, values: readonly FieldValue[]): SqlFragment => {
  const x = valueExpression(field);
  const strings = values.filter((v): v is string => typeof v === 'string');
  const numbers = values.filter((v): v is number => typeof v === 'number');
  const booleans = [...new Set(values.filter((v): v is boolean => typeof v === 'boolean'))];
  const alternatives: SqlFragment[] = [];
  const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
  if (strings.length > 0) {
    alternatives.push({
      sql: `(${x} IN (${placeholders(strings.length)})${kindGuard(field, '')})`,
      params: strings,
    });
  }
  if (numbers.length > 0) {
    alternatives.push({
      sql: `(${x} IN (${placeholders(numbers.length)})${kindGuard(field, 0)})`,
      params: numbers,
    });
  }
  for (const b of booleans) alternatives.push(equals(field, b));
  if (values.includes(null)) alternatives.push(isMissing(field));
  return anyOf(alternatives);
};

const predicateSql = (p: Predicate): SqlFragment => {
  const x = valueExpression(p.field);
  switch (p.op) {
    case 'eq':
      return p.value === null ? isMissing(p.field) : equals(p.field, p.value);
    case 'ne': {
      if (p.value === null) return { sql: `${x} > ${MISSING}`, params: [] };
      const eq = equals(p.field, p.value);
      return { sql: `NOT (${eq.sql})`, params: eq.params };
    }
    case 'in':
      return inList(p.field, p.values);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return {
        sql: `(${x} ${rangeOperators[p.op]} ?${kindGuard(p.field, p.value)})`,
        params: [bindable(p.value)],
      };
  }
};

const allOf = (parts: readonly SqlFragment[]): SqlFragment =>
  parts.length === 0
    ? { sql: '1', params: [] }
    : { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };

const anyOf = (parts: readonly SqlFragment[]): SqlFragment =>
  parts.length === 0
    ? { sql: '0', params: [] }
    : { sql: parts.map((p) => `(${p.sql})`).join(' OR '), params: parts.flatMap((p) => p.params) };

const textSql = (text: NonNullable<NormalisedFilter['text']>): SqlFragment =>
  anyOf(
    text.fields.map((field) => ({
      sql: `${typeExpression(field)} = 'text' AND instr(${CASEFOLD_FUNCTION}(${jsonValueExpression(field)}), ?) > 0`,
      params: [text.needle.toLowerCase()],
    })),
  );

export const whereSql = (filter: NormalisedFilter): SqlFragment =>
  allOf([...filter.predicates.map(predicateSql), ...(filter.text ? [textSql(filter.text)] : [])]);

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Rows strictly after the cursor in (sort value, _id) order. The leading inclusive bound lets
 * the index on (value, _id) seek to the cursor (SQLite does not seek on a row-value comparison
 * over an expression index); the rest only filters the ties. It follows SQLite's own ordering,
 * so paging matches ORDER BY even for a field holding several kinds of value.
 */
const keysetSql = (query: NormalisedFind, cursor: NonNullable<NormalisedFind['cursor']>): SqlFragment => {
  const strictly = query.sort.order === 'asc' ? '>' : '<';
  if (query.sort.field === '_id') return { sql: `_id ${strictly} ?`, params: [cursor.id] };
  const x = valueExpression(query.sort.field);
  const value = cursor.value === null ? -Infinity : bindable(cursor.value);
  return {
    sql: `${x} ${strictly}= ? AND (${x} ${strictly} ? OR _id ${strictly} ?)`,
    params: [value, value, cursor.id],
  };
};

export const findSql = (table: string, query: NormalisedFind): SqlFragment => {
  const conditions = [whereSql(query)];
  if (query.cursor) conditions.push(keysetSql(query, query.cursor));
  const where = allOf(conditions);
  const direction = query.sort.order === 'asc' ? 'ASC' : 'DESC';
  const orderBy =
    query.sort.field === '_id'
      ? `_id ${direction}`
      : `${valueExpression(query.sort.field)} ${direction}, _id ${direction}`;
  // LIMIT -1 is SQLite's "no limit", needed because OFFSET requires a LIMIT clause.
  return {
    sql: `SELECT json(doc) AS doc FROM ${quoteIdentifier(table)} WHERE ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    params: [...where.params, query.limit ?? -1, query.skip],
  };
};

export const countSql = (table: string, filter: NormalisedFilter): SqlFragment => {
  const where = whereSql(filter);
  return { sql: `SELECT count(*) AS n FROM ${quoteIdentifier(table)} WHERE ${where.sql}`, params: where.params };
};
