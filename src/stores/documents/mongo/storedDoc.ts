import type { Document } from 'mongodb';
import type { Doc } from '../port.js';
import { TOMBSTONE_FIELD } from './names.js';

/**
 * The document as JSON would carry it, which is what the SQLite adapter stores: undefined
 * fields vanish, Dates become ISO strings, toJSON is honoured. Without this a Date would come
 * back as a Date here and as a string there. The reserved tombstone marker is dropped.
 */
export const storedDoc = (doc: Doc): Document => {
  const json = JSON.parse(JSON.stringify(doc)) as Document;
  delete json[TOMBSTONE_FIELD];
  return json;
};
