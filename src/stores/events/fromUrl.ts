import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventStore } from './port.js';

export interface EventStoreSettings {
  url: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
}

/** Chooses the adapter from the URL scheme; production clients load only when used. */
export const openEventStore = async (settings: EventStoreSettings): Promise<EventStore> => {
  const { url } = settings;
  if (url.startsWith('sqlite:')) {
    const file = path.resolve(url.slice('sqlite:'.length));
    mkdirSync(path.dirname(file), { recursive: true });
    const { createSqliteEventStore } = await import('./sqlite/index.js');
    return createSqliteEventStore({ path: file, synchronous: settings.sqliteSynchronous });
  }
  if (/^(kurrentdb|kurrentdb\+discover|esdb|esdb\+discover):\/\//.test(url)) {
    const { createKurrentEventStore } = await import('./kurrent/index.js');
    return createKurrentEventStore({ connectionString: url });
  }
  throw new Error(`unsupported EVENT_STORE_URL scheme: ${url.split(':')[0] ?? url}`);
};
