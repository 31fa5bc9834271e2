import Database from 'better-sqlite3';

export interface OpenOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
  walAutocheckpointPages: number;
  cacheSizeKiB: number;
  readonly: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);
`;

export function openEventDatabase(options: OpenOptions): Database.Database {
  const db = new Database(options.path, { readonly: options.readonly, timeout: options.busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
    }
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma(`cache_size = ${-Math.round(options.cacheSizeKiB)}`);
    if (!options.readonly) db.pragma(`wal_autocheckpoint = ${Math.round(options.walAutocheckpointPages)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
