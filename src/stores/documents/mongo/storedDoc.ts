import type { Document } from 'mongodb';
import type { Doc } from '../port.js';
import { NESTED_ARRAY_FIELD, TOMBSTONE_FIELD } from './names.js';

/**
 * An array inside an array is stored wrapped as `{[NESTED_ARRAY_FIELD]: [...]}`: FerretDB refuses
 * nested arrays (an SPSA run's param_history is one), and a document a server refuses would
 * stop its projection for good. MongoDB stores the wrapped form as well, so the data reads the
 * same on both.
 */
const wrapNestedArrays = (_key: string, value: unknown): unknown =>
  Array.isArray(value) && value.some(Array.isArray)
    ? value.map((item: unknown) => (Array.isArray(item) ? { [NESTED_ARRAY_FIELD]: item } : item))
    : value;

/**
 * The document as JSON would carry it, which is what the SQLite adapter stores: undefined
 * fields vanish, Dates become ISO strings, toJSON is honoured. Without this a Date would come
 * back as a Date here and as a string there. The reserved tombstone marker is dropped.
 */
export const storedDoc = (doc: Doc): Document => {
  const json = JSON.parse(JSON.stringify(doc, wrapNestedArrays)) as Document;
  delete json[TOMBSTONE_FIELD];
  return json;
};

const isWrappedArray = (value: unknown): value is { [NESTED_ARRAY_FIELD]: unknown[] } => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === NESTED_ARRAY_FIELD && Array.isArray((value as Record<string, unknown>)[NESTED_ARRAY_FIELD]);
};

/** Undoes storedDoc's wrapping; returns the very value it was given when nothing was wrapped. */
const unwrap = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const inner = isWrappedArray(item) ? unwrap(item[NESTED_ARRAY_FIELD]) : unwrap(item);
      if (inner !== item) (copy ??= [...value])[index] = inner;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const inner = unwrap(item);
    if (inner !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = inner;
  }
  return copy ?? value;
};

/** A document as read from the server, as the caller wrote it. */
export const loadedDoc = <T>(doc: Document): T => unwrap(doc) as T;
