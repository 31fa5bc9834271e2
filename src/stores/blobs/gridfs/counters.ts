import type { Collection } from 'mongodb';
import type { CounterDoc } from './collections.js';
import { isDuplicateKey } from './errors.js';

interface Waiter {
  resolve: (value: number) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  by: number;
  waiters: Waiter[];
}

const UPSERT_ATTEMPTS = 3;

const applyIncrement = async (counters: Collection<CounterDoc>, key: string, by: number): Promise<number> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const after = await counters.findOneAndUpdate(
        { _id: key },
        { $inc: { value: by } },
        // No projection: FerretDB 1.24 does not implement `fields` in findAndModify (the document is tiny anyway).
        { upsert: true, returnDocument: 'after' },
      );
      return Number(after?.value ?? 0);
    } catch (error) {
      // Two upserts of a missing counter can both try the insert; the loser retries as an update.
      if (!isDuplicateKey(error) || attempt >= UPSERT_ATTEMPTS) throw error;
    }
  }
};

export interface CounterWriter {
  increment(key: string, by: number): Promise<number>;
  /** Resolves when no increment is in flight. */
  idle(): Promise<void>;
}

/**
 * `$inc` counters with at most one update in flight per key in this process: increments that
 * arrive meanwhile are summed and applied together by the next update. A burst of downloads
 * becomes a few writes, and no two updates of one document from this process ever overlap,
 * which FerretDB 1.24 needs (it loses concurrent updates to the same document; MongoDB does not).
 */
export const createCounterWriter = (counters: Collection<CounterDoc>): CounterWriter => {
  const queued = new Map<string, Batch>();
  const draining = new Map<string, Promise<void>>();

  const drain = async (key: string): Promise<void> => {
    for (let batch = queued.get(key); batch; batch = queued.get(key)) {
      queued.delete(key);
      try {
        const value = await applyIncrement(counters, key, batch.by);
        for (const waiter of batch.waiters) waiter.resolve(value);
      } catch (error) {
        for (const waiter of batch.waiters) waiter.reject(error);
      }
    }
  };

  return {
    increment: (key, by) =>
      new Promise<number>((resolve, reject) => {
        let batch = queued.get(key);
        if (!batch) {
          batch = { by: 0, waiters: [] };
          queued.set(key, batch);
        }
        batch.by += by;
        batch.waiters.push({ resolve, reject });
        if (!draining.has(key)) {
          draining.set(
            key,
            drain(key).finally(() => draining.delete(key)),
          );
        }
      }),
    idle: async () => {
      while (draining.size > 0) await Promise.all(draining.values());
    },
  };
};
