/**
 * An immutable list with cheap `set` and `push`: items live in fixed-size chunks, and a
 * change copies one chunk and the (short) array of chunks instead of the whole list. A run
 * keeps every task it ever had, so copying the full task array on every worker update would
 * make replaying a long run quadratic.
 */
const CHUNK_SIZE = 64;

export interface PersistentList<T> extends Iterable<T> {
  readonly length: number;
  get(index: number): T | undefined;
  set(index: number, item: T): PersistentList<T>;
  push(item: T): PersistentList<T>;
  toArray(): T[];
}

const createFromChunks = <T>(chunks: readonly (readonly T[])[], length: number): PersistentList<T> => {
  const list: PersistentList<T> = {
    length,
    get(index) {
      if (!Number.isInteger(index) || index < 0 || index >= length) return undefined;
      return chunks[Math.floor(index / CHUNK_SIZE)]?.[index % CHUNK_SIZE];
    },
    set(index, item) {
      if (!Number.isInteger(index) || index < 0 || index >= length) {
        throw new RangeError(`index ${index} outside a list of ${length}`);
      }
      const chunkIndex = Math.floor(index / CHUNK_SIZE);
      const chunk = [...(chunks[chunkIndex] ?? [])];
      chunk[index % CHUNK_SIZE] = item;
      const nextChunks = [...chunks];
      nextChunks[chunkIndex] = chunk;
      return createFromChunks(nextChunks, length);
    },
    push(item) {
      const last = chunks[chunks.length - 1];
      if (last === undefined || last.length === CHUNK_SIZE) return createFromChunks([...chunks, [item]], length + 1);
      const nextChunks = [...chunks];
      nextChunks[chunks.length - 1] = [...last, item];
      return createFromChunks(nextChunks, length + 1);
    },
    toArray() {
      return chunks.flat() as T[];
    },
    *[Symbol.iterator]() {
      for (const chunk of chunks) yield* chunk;
    },
  };
  return list;
};

export const emptyList = <T>(): PersistentList<T> => createFromChunks<T>([], 0);

export const listOf = <T>(items: Iterable<T>): PersistentList<T> => {
  let list = emptyList<T>();
  for (const item of items) list = list.push(item);
  return list;
};
