import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventStore } from './port.js';

export interface EventStoreSettings {
  url: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** SQLite writer only: the least time between two group commits (see `commitIntervalMs`). */
  sqliteCommitIntervalMs?: number;
  /**
   * SQLite only: open a reader for another thread of the writer's process, which sees only what
   * the writer has made durable (the bound it shares).
   */
  visibleBound?: SharedArrayBuffer;
}

/** Chooses the adapter from the URL scheme; production clients load only when used. */
export const openEventStore = async (settings: EventStoreSettings): Promise<EventStore> => {
  const { url } = settings;
  if (url.startsWith('sqlite:')) {
    const file = path.resolve(url.slice('sqlite:'.length));
    mkdirSync(path.dirname(file), { recursive: true });
    const { createSqliteEventStore } = await import('./sqlite/index.js');
    return settings.visibleBound === undefined
      ? createSqliteEventStore({ path: file, synchronous: settings.sqliteSynchronous, commitIntervalMs: settings.sqliteCommitIntervalMs ?? 0 })
      : createSqliteEventStore({ path: file, readonly: true, visibleBound: settings.visibleBound });
  }
  if (/^(kurrentdb|kurrentdb\+discover|esdb|esdb\+discover):\/\//.test(url)) {
    const { createKurrentEventStore } = await import('./kurrent/index.js');
    return createKurrentEventStore({ connectionString: url });
  }
  throw new Error(`unsupported EVENT_STORE_URL scheme: ${url.split(':')[0] ?? url}`);
};
