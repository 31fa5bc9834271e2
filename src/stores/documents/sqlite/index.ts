export { createSqliteReadStore } from './sqliteReadStore.js';
export type { SqliteReadStoreOptions } from './sqliteReadStore.js';
