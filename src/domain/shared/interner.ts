/**
 * One shared copy of values that many workers report identically: their OS, Python and compiler
 * versions, architecture strings. Parsing each request gives every worker its own copy, and a
 * stored worker info lives as long as its task, so a large fleet kept thousands of copies of the
 * same few values alive, each one more object for every full garbage collection to mark.
 *
 * Only for values nobody mutates. Past `limit` distinct values the table starts afresh: a fleet
 * with more variety than that shares less, and nothing else changes.
 */
export interface Interner {
  string(value: string): string;
  tuple<T extends readonly (string | number)[]>(value: T): T;
}

/** A map that keeps the first value stored under each key, up to `limit` keys. */
const firstSeen = <V>(limit: number) => {
  const known = new Map<string, V>();
  return (key: string, value: V): V => {
    const found = known.get(key);
    if (found !== undefined) return found;
    if (known.size >= limit) known.clear();
    known.set(key, value);
    return value;
  };
};

export const createInterner = (limit = 4096): Interner => {
  const strings = firstSeen<string>(limit);
  const tuples = firstSeen<readonly (string | number)[]>(limit);
  return {
    string: (value) => strings(value, value),
    tuple: <T extends readonly (string | number)[]>(value: T): T => tuples(JSON.stringify(value), value) as T,
  };
};
