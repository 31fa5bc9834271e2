/**
 * Store-neutral validation and normalisation of read-model queries. Every adapter runs a
 * query through here first and translates only the normalised form, so all adapters accept
 * and reject the same queries and agree on their meaning:
 *
 * - Only `_id` and the collection's declared index fields may be filtered or sorted on.
 * - Values are strings, finite numbers, booleans or null; `_id` values are strings.
 * - Comparisons stay within one kind of value: `{n: 1}` does not match `true` or `"1"`, and
 *   `$gt: 5` does not match strings. Range operators take strings, numbers or booleans.
 * - `null` (bare or `$eq`) matches a missing field too; `$ne: null` means "present and not null".
 *   `$ne: v` with a non-null `v` also matches documents where the field is missing.
 * - `$in: [...]` is an OR of equalities (a `null` member matches missing fields).
 * - Sorting uses one key with `_id` as the tie-break in the same direction; a missing field sorts
 *   like null, before every value in ascending order. A field should hold one kind of value for
 *   the order (and keyset paging over it) to be the same on every backend.
 * - `text` is a case-insensitive substring match on any declared text field holding a string.
 * - `limit: 0` returns no documents (adapters must not pass it on as "no limit").
 */
import type {
  CollectionSpec,
  CountQuery,
  Doc,
  FieldValue,
  FindQuery,
  PageCursor,
  SortSpec,
} from './port.js';
import { InvalidQueryError } from './errors.js';

export const MAX_LIMIT = 10_000;
export const MAX_IN_VALUES = 1_000;
export const MAX_TEXT_LENGTH = 200;

export type RangeValue = string | number | boolean;

export type Predicate =
  | { readonly field: string; readonly op: 'eq' | 'ne'; readonly value: FieldValue }
  | { readonly field: string; readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: RangeValue }
  | { readonly field: string; readonly op: 'in'; readonly values: readonly FieldValue[] };

export type PredicateOp = Predicate['op'];

export interface TextFilter {
  /** As the client wrote it (not lower-cased); never empty. */
  readonly needle: string;
  readonly fields: readonly string[];
}

export interface NormalisedFilter {
  /** All must hold. */
  readonly predicates: readonly Predicate[];
  readonly text: TextFilter | null;
}

export interface NormalisedFind extends NormalisedFilter {
  /** Always set; `_id` ascending by default. The `_id` tie-break is implied, not listed. */
  readonly sort: SortSpec;
  readonly skip: number;
  /** null means no limit; 0 means an empty page. */
  readonly limit: number | null;
  /**
   * Keyset condition from `after`, as an OR of AND-ed predicates (built from the operators
   * above, so adapters need nothing new to translate it); null when there is no cursor.
   */
  readonly after: readonly (readonly Predicate[])[] | null;
  /** The validated cursor itself, for adapters that can express `after` as one index range. */
  readonly cursor: PageCursor | null;
}

const operatorNames = {
  $eq: 'eq',
  $ne: 'ne',
  $in: 'in',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
} as const satisfies Record<string, PredicateOp>;

type OperatorKey = keyof typeof operatorNames;

const SAFE_FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$/;
const SAFE_COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export const isSafeFieldPath = (path: string): boolean => SAFE_FIELD_PATH.test(path);
export const isSafeCollectionName = (name: string): boolean => SAFE_COLLECTION_NAME.test(name);

/** Collection names become table/collection identifiers, so only a narrow pattern is accepted. */
export const assertSafeCollectionName = (name: string): void => {
  if (typeof name !== 'string' || !isSafeCollectionName(name)) {
    throw new InvalidQueryError(
      `invalid collection name ${JSON.stringify(name)}: use a letter then letters, digits or _ (at most 63)`,
    );
  }
};

/** Checks the declared fields of a spec; adapters build their indexes from them. */
export const assertValidSpec = (spec: CollectionSpec): void => {
  for (const field of [...spec.indexes, ...(spec.textFields ?? [])]) {
    if (typeof field !== 'string' || !isSafeFieldPath(field)) {
      throw new InvalidQueryError(
        `invalid field path ${JSON.stringify(field)} in collection spec: use dotted identifiers`,
      );
    }
  }
};

const describe = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const isFieldValue = (value: unknown): value is FieldValue =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

const checkValue = (field: string, op: string, value: unknown): FieldValue => {
  if (!isFieldValue(value)) {
    throw new InvalidQueryError(
      `${field} ${op}: value ${describe(value)} is not a string, finite number, boolean or null`,
    );
  }
  if (field === '_id' && typeof value !== 'string') {
    throw new InvalidQueryError(`_id ${op}: value ${describe(value)} must be a string`);
  }
  return value;
};

const checkRangeValue = (field: string, op: string, value: unknown): RangeValue => {
  const checked = checkValue(field, op, value);
  if (checked === null) {
    throw new InvalidQueryError(`${field} ${op}: null cannot be compared with a range operator`);
  }
  return checked;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

const allowedFields = (spec: CollectionSpec): ReadonlySet<string> => new Set(['_id', ...spec.indexes]);

const checkField = (field: string, allowed: ReadonlySet<string>, usage: string): void => {
  if (!allowed.has(field)) {
    throw new InvalidQueryError(
      `cannot ${usage} on ${JSON.stringify(field)}: only _id and declared index fields (${[...allowed]
        .filter((f) => f !== '_id')
        .join(', ')}) are allowed`,
    );
  }
};

const predicatesOf = (field: string, condition: unknown): Predicate[] => {
  if (!isPlainObject(condition)) {
    return [{ field, op: 'eq', value: checkValue(field, 'equality', condition) }];
  }
  const keys = Object.keys(condition);
  if (keys.length === 0) {
    throw new InvalidQueryError(`${field}: an operator object needs at least one operator`);
  }
  if (!keys.some((key) => key.startsWith('$'))) {
    throw new InvalidQueryError(`${field}: object values are not allowed, got ${describe(condition)}`);
  }
  return keys.map((key): Predicate => {
    if (!Object.hasOwn(operatorNames, key)) {
      throw new InvalidQueryError(
        `${field}: unsupported operator ${JSON.stringify(key)} (use ${Object.keys(operatorNames).join(', ')})`,
      );
    }
    const op = operatorNames[key as OperatorKey];
    const operand = condition[key];
    switch (op) {
      case 'eq':
      case 'ne':
        return { field, op, value: checkValue(field, key, operand) };
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return { field, op, value: checkRangeValue(field, key, operand) };
      case 'in': {
        if (!Array.isArray(operand)) {
          throw new InvalidQueryError(`${field} $in: expected an array, got ${describe(operand)}`);
        }
        if (operand.length > MAX_IN_VALUES) {
          throw new InvalidQueryError(`${field} $in: at most ${MAX_IN_VALUES} values, got ${operand.length}`);
        }
        return { field, op, values: operand.map((v: unknown) => checkValue(field, key, v)) };
      }
    }
  });
};

const normaliseWhere = (where: unknown, spec: CollectionSpec): Predicate[] => {
  if (where === undefined) return [];
  if (!isPlainObject(where)) {
    throw new InvalidQueryError(`where must be an object of field conditions, got ${describe(where)}`);
  }
  const allowed = allowedFields(spec);
  return Object.keys(where).flatMap((field) => {
    checkField(field, allowed, 'filter');
    return predicatesOf(field, where[field]);
  });
};

const normaliseText = (text: unknown, spec: CollectionSpec): TextFilter | null => {
  if (text === undefined) return null;
  if (typeof text !== 'string') {
    throw new InvalidQueryError(`text must be a string, got ${describe(text)}`);
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new InvalidQueryError(`text is longer than ${MAX_TEXT_LENGTH} characters`);
  }
  const fields = spec.textFields ?? [];
  if (fields.length === 0) {
    throw new InvalidQueryError('text search is not available: the collection declares no text fields');
  }
  return text === '' ? null : { needle: text, fields };
};

const checkCount = (name: string, value: unknown, max: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new InvalidQueryError(`${name} must be an integer from 0 to ${max}, got ${describe(value)}`);
  }
  return value;
};

const normaliseSort = (sort: unknown, spec: CollectionSpec): SortSpec => {
  if (sort === undefined) return { field: '_id', order: 'asc' };
  if (!isPlainObject(sort) || typeof sort.field !== 'string') {
    throw new InvalidQueryError(`sort must be {field, order}, got ${describe(sort)}`);
  }
  checkField(sort.field, allowedFields(spec), 'sort');
  const order = sort.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw new InvalidQueryError(`sort order must be "asc" or "desc", got ${describe(order)}`);
  }
  return { field: sort.field, order };
};

/** Documents strictly after the cursor in (sort field, _id) order, missing values counting as null. */
const keysetAfter = (cursor: PageCursor, sort: SortSpec): Predicate[][] => {
  const idOp = sort.order === 'asc' ? 'gt' : 'lt';
  if (sort.field === '_id') return [[{ field: '_id', op: idOp, value: cursor.id }]];
  const { field } = sort;
  const tieBreak: Predicate = { field: '_id', op: idOp, value: cursor.id };
  if (cursor.value === null) {
    return sort.order === 'asc'
      ? [[{ field, op: 'ne', value: null }], [{ field, op: 'eq', value: null }, tieBreak]]
      : [[{ field, op: 'eq', value: null }, tieBreak]];
  }
  const value = cursor.value;
  return sort.order === 'asc'
    ? [[{ field, op: 'gt', value }], [{ field, op: 'eq', value }, tieBreak]]
    : [[{ field, op: 'lt', value }], [{ field, op: 'eq', value: null }], [{ field, op: 'eq', value }, tieBreak]];
};

const normaliseCursor = (after: unknown, sort: SortSpec): PageCursor | null => {
  if (after === undefined) return null;
  if (!isPlainObject(after) || typeof after.id !== 'string' || !Object.hasOwn(after, 'value')) {
    throw new InvalidQueryError(`after must be a cursor {value, id}, got ${describe(after)}`);
  }
  return { value: checkValue(sort.field, 'after', after.value), id: after.id };
};

const checkQueryKeys = (query: Record<string, unknown>, allowed: readonly string[]): void => {
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key) && query[key] !== undefined) {
      throw new InvalidQueryError(`unknown query option ${JSON.stringify(key)}`);
    }
  }
};

export const normaliseCountQuery = (query: CountQuery | undefined, spec: CollectionSpec): NormalisedFilter => {
  const q: unknown = query ?? {};
  if (!isPlainObject(q)) throw new InvalidQueryError(`query must be an object, got ${describe(q)}`);
  checkQueryKeys(q, ['where', 'text']);
  return { predicates: normaliseWhere(q.where, spec), text: normaliseText(q.text, spec) };
};

export const normaliseFindQuery = (query: FindQuery | undefined, spec: CollectionSpec): NormalisedFind => {
  const q: unknown = query ?? {};
  if (!isPlainObject(q)) throw new InvalidQueryError(`query must be an object, got ${describe(q)}`);
  checkQueryKeys(q, ['where', 'text', 'sort', 'skip', 'limit', 'after']);
  const sort = normaliseSort(q.sort, spec);
  const cursor = normaliseCursor(q.after, sort);
  return {
    predicates: normaliseWhere(q.where, spec),
    text: normaliseText(q.text, spec),
    sort,
    skip: q.skip === undefined ? 0 : checkCount('skip', q.skip, Number.MAX_SAFE_INTEGER),
    limit: q.limit === undefined ? null : checkCount('limit', q.limit, MAX_LIMIT),
    after: cursor === null ? null : keysetAfter(cursor, sort),
    cursor,
  };
};

/** The value at a dotted path, or undefined when any step is missing. */
export const readPath = (doc: unknown, path: string): unknown => {
  let current: unknown = doc;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
};

/** The keyset cursor for a page ending with `doc`: pass it as `after` to get the next page. */
export const cursorOf = (doc: Doc, sort?: SortSpec): PageCursor => {
  const field = sort?.field ?? '_id';
  const raw = field === '_id' ? doc._id : readPath(doc, field);
  const value = raw === undefined ? null : raw;
  if (!isFieldValue(value)) {
    throw new InvalidQueryError(`cannot page on ${field}: document ${doc._id} holds ${describe(value)}`);
  }
  return { value, id: doc._id };
};
