/**
 * Translates normalised queries (see ../query.ts) into MongoDB filters. Only the normalised
 * form is translated, so field paths are declared, pattern-checked ones and every value is a
 * scalar placed under an explicit operator: nothing a client writes becomes query syntax.
 *
 * MongoDB matches a scalar condition against each element of an array field, while the SQLite
 * adapter compares the whole JSON value. Every condition on a declared field therefore excludes
 * arrays, so both adapters agree on which documents match.
 */
import type { Filter, Sort } from 'mongodb';
import type { Doc, FieldValue } from '../port.js';
import type { NormalisedFilter, NormalisedFind, Predicate, TextFilter } from '../query.js';
import { isSafeFieldPath } from '../query.js';
import { notTombstone } from './names.js';

type Condition = Record<string, unknown>;

const checkedPath = (field: string): string => {
  // Redundant with the checks in ../query.ts, but this is where a path becomes a filter key.
  if (!isSafeFieldPath(field)) throw new Error(`unsafe field path ${JSON.stringify(field)}`);
  return field;
};

const onField = (field: string, operators: Condition): Condition =>
  field === '_id'
    ? { _id: operators }
    : { [checkedPath(field)]: { ...operators, $not: { $type: 'array' } } };

const equals = (field: string, value: FieldValue): Condition => onField(field, { $eq: value });

const rangeOperators = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;

const predicateFilter = (p: Predicate): Condition => {
  switch (p.op) {
    case 'eq':
      return equals(p.field, p.value);
    case 'ne':
      // The exact complement of equality: missing, null (for a non-null value) and arrays match.
      return { $nor: [equals(p.field, p.value)] };
    case 'in':
      return onField(p.field, { $in: [...p.values] });
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      // MongoDB compares only values of the same kind, as ../query.ts specifies.
      return onField(p.field, { [rangeOperators[p.op]]: p.value });
  }
};

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|]/g;

/** A regular expression matching `text` literally; a NUL is spelled out because servers reject it raw. */
export const literalPattern = (text: string): string =>
  text.replace(REGEX_SPECIAL, '\\$&').replaceAll('\0', '\\x00');

const textFilter = (text: TextFilter): Condition => ({
  $or: text.fields.map((field) => onField(field, { $regex: literalPattern(text.needle), $options: 'i' })),
});

const allOf = (conditions: readonly Condition[]): Filter<Doc> =>
  (conditions.length === 1 ? conditions[0] : { $and: [...conditions] }) as Filter<Doc>;

export const filterOf = (filter: NormalisedFilter, extra: readonly Condition[] = []): Filter<Doc> =>
  allOf([
    ...filter.predicates.map(predicateFilter),
    ...(filter.text ? [textFilter(filter.text)] : []),
    ...extra,
    notTombstone,
  ]);

export interface MongoFind {
  readonly filter: Filter<Doc>;
  readonly sort: Sort;
  readonly skip: number;
  /** null: no limit. A limit of 0 never gets here: it is answered without a query. */
  readonly limit: number | null;
}

export const findOf = (query: NormalisedFind): MongoFind => {
  const after = query.after
    ? [{ $or: query.after.map((clause) => ({ $and: clause.map(predicateFilter) })) }]
    : [];
  const direction = query.sort.order === 'asc' ? 1 : -1;
  const sort: Sort =
    query.sort.field === '_id'
      ? { _id: direction }
      : { [checkedPath(query.sort.field)]: direction, _id: direction };
  return { filter: filterOf(query, after), sort, skip: query.skip, limit: query.limit };
};
