import type Database from 'better-sqlite3';
import type { EventRow } from './rows.js';

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata';

export interface StreamHeadRow {
  revision: number;
  position: number;
}

export interface EventLocationRow {
  stream_id: string;
  revision: number;
  position: number;
}

export interface WriteStatements {
  insert: Database.Statement<[string, string, number, string, string, string]>;
  /** Undoes the rows of an append that turned out to be a partial duplicate (they are the newest rows). */
  deleteFrom: Database.Statement<[number]>;
  begin: Database.Statement<[]>;
  commit: Database.Statement<[]>;
  rollback: Database.Statement<[]>;
  dataVersion: Database.Statement<[], number>;
}

export interface ReadStatements {
  streamHead: Database.Statement<[string], StreamHeadRow>;
  locateEvent: Database.Statement<[string], EventLocationRow>;
  streamForwards: Database.Statement<[string, number | bigint, number], EventRow>;
  streamBackwards: Database.Statement<[string, number | bigint, number], EventRow>;
  headPosition: Database.Statement<[], number | null>;
  ping: Database.Statement<[], number>;
  /** Events after a position, up to an inclusive bound, optionally filtered by stream prefixes. */
  range: (prefixCount: number) => Database.Statement<unknown[], EventRow>;
}

export function prepareWriteStatements(db: Database.Database): WriteStatements {
  return {
    insert: db.prepare(
      `INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    deleteFrom: db.prepare('DELETE FROM events WHERE position >= ?'),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
}

export function prepareReadStatements(db: Database.Database): ReadStatements {
  const rangeByPrefixCount = new Map<number, Database.Statement<unknown[], EventRow>>();
  return {
    streamHead: db.prepare(
      'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    ),
    locateEvent: db.prepare('SELECT stream_id, revision, position FROM events WHERE id = ?'),
    streamForwards: db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    streamBackwards: db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    ),
    headPosition: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
    range: (prefixCount) => {
      let statement = rangeByPrefixCount.get(prefixCount);
      if (!statement) {
        // Parameters: after, upTo, then (length, prefix) per prefix, then limit.
        const prefixes = Array.from({ length: prefixCount }, () => 'substr(stream_id, 1, ?) = ?').join(' OR ');
        statement = db.prepare(
          `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ?` +
            (prefixCount > 0 ? ` AND (${prefixes})` : '') +
            ' ORDER BY position LIMIT ?',
        );
        rangeByPrefixCount.set(prefixCount, statement);
      }
      return statement;
    },
  };
}
