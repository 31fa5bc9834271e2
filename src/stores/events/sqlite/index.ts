export { createSqliteEventStore, SQLITE_EVENT_STORE_DEFAULTS } from './createSqliteEventStore.js';
export type { SqliteEventStore, SqliteEventStoreOptions } from './createSqliteEventStore.js';
export type { GroupCommitStats } from './groupCommit.js';
