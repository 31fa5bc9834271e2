import type { FieldOperators, Where } from '../../stores/documents/port.js';

/*
 * The safe subset of upstream's `/api/actions` query (which runs any Mongo filter it is given):
 * equality, `$in`, `$gte` and `$lte` on `action`, `run_id`, `username` (strings) and `time` (UNIX
 * seconds). Anything else is refused with a message saying why, instead of being run.
 */

export const ACTION_QUERY_FIELDS = ['action', 'run_id', 'username', 'time'] as const;
export type ActionQueryField = (typeof ACTION_QUERY_FIELDS)[number];
export const ACTION_QUERY_OPERATORS = ['$in', '$gte', '$lte'] as const;
type Operator = (typeof ACTION_QUERY_OPERATORS)[number];

/** At most this many values in one `$in`. */
export const MAX_IN_VALUES = 200;

export class ActionQueryError extends Error {
  override readonly name = 'ActionQueryError';
  readonly statusCode = 400;
}

type Scalar = string | number;

const isField = (key: string): key is ActionQueryField => (ACTION_QUERY_FIELDS as readonly string[]).includes(key);
const isOperator = (key: string): key is Operator => (ACTION_QUERY_OPERATORS as readonly string[]).includes(key);

const fail = (message: string): never => {
  throw new ActionQueryError(message);
};

const fieldList = ACTION_QUERY_FIELDS.join(', ');

const checkField = (key: string): ActionQueryField =>
  isField(key) ? key : fail(`cannot query actions by ${JSON.stringify(key)}: use ${fieldList}`);

/** A JSON value of the field's kind: a string, or a finite number for `time`. */
const checkScalar = (field: ActionQueryField, value: unknown): Scalar => {
  if (field === 'time') {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return fail(`time: expected a number of seconds, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'string') return value;
  return fail(`${field}: expected a string, got ${JSON.stringify(value)}`);
};

const addOperator = (where: Record<string, FieldOperators>, field: ActionQueryField, operator: '$eq' | Operator, value: Scalar | Scalar[]): void => {
  const conditions = where[field] ?? {};
  if (conditions[operator] !== undefined) fail(`${field}: ${operator} given twice`);
  where[field] = { ...conditions, [operator]: value };
};

const checkIn = (field: ActionQueryField, values: readonly unknown[]): Scalar[] => {
  if (values.length > MAX_IN_VALUES) fail(`${field} $in: at most ${MAX_IN_VALUES} values, got ${values.length}`);
  return values.map((value) => checkScalar(field, value));
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Mongo-style filter document, e.g. `{"action": {"$in": [...]}, "time": {"$gte": t}}`. */
export const actionFilterFromBody = (body: unknown): Where => {
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body)) return fail('the query must be a JSON object of field conditions');
  const where: Record<string, FieldOperators> = {};
  for (const [key, condition] of Object.entries(body)) {
    const field = checkField(key);
    if (!isPlainObject(condition)) {
      addOperator(where, field, '$eq', checkScalar(field, condition));
      continue;
    }
    const operators = Object.entries(condition);
    if (operators.length === 0) fail(`${field}: an operator object needs at least one of ${ACTION_QUERY_OPERATORS.join(', ')}`);
    for (const [operator, operand] of operators) {
      if (!isOperator(operator)) {
        fail(`${field}: unsupported operator ${JSON.stringify(operator)} (use ${ACTION_QUERY_OPERATORS.join(', ')}, or a plain value for equality)`);
      } else if (operator === '$in') {
        if (!Array.isArray(operand)) fail(`${field} $in: expected a list`);
        addOperator(where, field, '$in', checkIn(field, operand as unknown[]));
      } else {
        addOperator(where, field, operator, checkScalar(field, operand));
      }
    }
  }
  return where;
};

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const PARAMETER = /^([a-z_]+)(?:\[(\$[a-z]+)\])?$/;

/** A query-string value of the field's kind (`time` must be a number). */
const parseScalar = (field: ActionQueryField, text: string): Scalar => {
  if (field !== 'time') return text;
  return NUMBER.test(text) ? Number(text) : fail(`time: expected a number of seconds, got ${JSON.stringify(text)}`);
};

const parseIn = (field: ActionQueryField, texts: readonly string[]): Scalar[] => {
  if (texts.length > MAX_IN_VALUES) fail(`${field} $in: at most ${MAX_IN_VALUES} values, got ${texts.length}`);
  return texts.map((text) => parseScalar(field, text));
};

/**
 * The same filter from query parameters: `field=value` (repeat it for a set of values),
 * `field[$in]=a,b`, `field[$gte]=v`, `field[$lte]=v`.
 */
export const actionFilterFromQuery = (query: Readonly<Record<string, string | readonly string[] | undefined>>): Where => {
  const where: Record<string, FieldOperators> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const values = typeof raw === 'string' ? [raw] : [...raw];
    const match = PARAMETER.exec(key);
    const field = checkField(match?.[1] ?? key);
    const operator = match?.[2];
    if (operator === undefined) {
      if (values.length === 1) addOperator(where, field, '$eq', parseScalar(field, values[0] ?? ''));
      else addOperator(where, field, '$in', parseIn(field, values));
    } else if (operator === '$in') {
      const items = values.flatMap((value) => value.split(',')).filter((value) => value !== '');
      addOperator(where, field, '$in', parseIn(field, items));
    } else if (isOperator(operator)) {
      if (values.length !== 1) fail(`${field}: ${operator} given twice`);
      addOperator(where, field, operator, parseScalar(field, values[0] ?? ''));
    } else {
      fail(`${field}: unsupported operator ${JSON.stringify(operator)} (use ${ACTION_QUERY_OPERATORS.join(', ')}, or a plain value for equality)`);
    }
  }
  return where;
};
