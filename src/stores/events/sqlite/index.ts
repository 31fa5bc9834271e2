export { createSqliteEventStore } from './createSqliteEventStore.js';
export type { SqliteEventStore, SqliteEventStoreOptions } from './createSqliteEventStore.js';
export type { GroupCommitStats } from './groupCommit.js';
