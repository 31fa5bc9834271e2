import path from 'node:path';
import { afterEach } from 'vitest';
import type { NewEvent } from '../../src/stores/events/port.js';
import type { SqliteEventStore, SqliteEventStoreOptions } from '../../src/stores/events/sqlite/index.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import type { WalSync } from '../../src/stores/events/sqlite/walSync.js';
import { makeTempDir } from './tempDir.js';

/** A small event whose data names its type; `id` only when a test needs a fixed one. */
export const testEvent = (type: string, id?: string): NewEvent => ({
  ...(id === undefined ? {} : { id }),
  type,
  data: { type },
  metadata: { actor: 'tester', correlationId: 'corr' },
});

/**
 * Call inside a `describe`: returns `open`, which creates a SQLite event store in the test's own
 * temporary directory; after each test every store opened is closed and the directory removed.
 */
export const sqliteEventStoresPerTest = (prefix: string) => {
  const opened: SqliteEventStore[] = [];
  let temp: ReturnType<typeof makeTempDir> | undefined;

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    temp?.remove();
    temp = undefined;
  });

  return (options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore => {
    temp ??= makeTempDir(prefix);
    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.db'), ...options });
    opened.push(store);
    return store;
  };
};

/** A WAL sync the test completes by hand: every call waits until `release` or `fail`. */
export const manualSync = () => {
  const pending: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  const sync: WalSync = {
    sync: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    close: async () => {
      for (const waiter of pending.splice(0)) waiter.resolve();
    },
  };
  return {
    sync,
    calls: () => pending.length,
    release: () => {
      for (const waiter of pending.splice(0)) waiter.resolve();
    },
    fail: (error: Error) => {
      for (const waiter of pending.splice(0)) waiter.reject(error);
    },
  };
};
