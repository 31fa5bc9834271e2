import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectionSpec, Doc, FindQuery, ReadStore } from '../../../src/stores/documents/port.js';
import { InvalidQueryError, ReadStoreUnavailableError } from '../../../src/stores/documents/errors.js';
import { normaliseFindQuery } from '../../../src/stores/documents/query.js';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import { findSql } from '../../../src/stores/documents/sqlite/translateQuery.js';
import { makeTempDir } from '../../support/tempDir.js';

const spec: CollectionSpec = { indexes: ['status', 'info.owner', 'created'], textFields: ['title'] };

/**
 * Starts a process that takes the write lock on `file`, runs `sql` and commits 400 ms later.
 * Resolves once it holds the lock, with a promise of its exit code (wrapped: a promise would be awaited too).
 */
const holdWriteLockInAnotherProcess = async (file: string, sql: string): Promise<{ exited: Promise<number | null> }> => {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const Database = require('better-sqlite3');
       const db = new Database(process.argv[1]);
       db.pragma('busy_timeout = 5000');
       db.exec('BEGIN IMMEDIATE');
       db.exec(process.argv[2]);
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
       db.exec('COMMIT');
       db.close();`,
      file,
      sql,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.on('exit', () => reject(new Error('child exited before taking the lock')));
  });
  return { exited };
};

describe('SQLite read store specifics', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let store: ReadStore;

  beforeEach(() => {
    temp = makeTempDir('readstore-');
    file = path.join(temp.dir, 'read.db');
    store = createSqliteReadStore({ path: file, synchronous: 'FULL' });
  });

  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  it('uses the key-column indexes for filters and sorts on declared fields', async () => {
    await store.ensureCollection('runs', spec);
    const c = store.collection('runs', spec);
    await c.bulkWrite(
      Array.from({ length: 200 }, (_, i) => ({
        op: 'upsert' as const,
        doc: { _id: `r${i}`, status: i % 4 === 0 ? 'active' : 'finished', info: { owner: `u${i % 9}` }, created: `2024-01-${10 + (i % 20)}` },
      })),
    );
    const raw = new Database(file, { readonly: true });
    const planOf = (query: FindQuery): string => {
      const { sql, params } = findSql('doc_runs', normaliseFindQuery(query, spec));
      // The casefold function only exists on the store's own connections.
      raw.function('rs_casefold', (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null));
      const rows = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((r) => r.detail).join(' | ');
    };
    try {
      expect(planOf({ where: { status: 'active' } })).toMatch(/USING INDEX key:doc_runs:status/);
      expect(planOf({ where: { 'info.owner': 'u3' }, sort: { field: 'info.owner', order: 'desc' } })).toMatch(
        /USING INDEX key:doc_runs:info\.owner/,
      );
      const sorted = planOf({ sort: { field: 'created', order: 'desc' }, limit: 10 });
      expect(sorted).toMatch(/key:doc_runs:created/);
      expect(sorted).not.toMatch(/TEMP B-TREE/);
      expect(planOf({ where: { _id: 'r5' } })).toMatch(/sqlite_autoindex_doc_runs_1/);
    } finally {
      raw.close();
    }
  });

  it('brings a table written by an earlier version (expression indexes, JSON text) up to date and keeps its documents', async () => {
    // The layout earlier versions wrote: only _id and doc, indexes over expressions of doc.
    const raw = new Database(file);
    try {
      raw.exec('CREATE TABLE doc_runs (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)');
      raw.exec(`CREATE INDEX "ix:doc_runs:status" ON doc_runs (ifnull(json_extract(doc, '$.status'), -9e999), _id)`);
      const insert = raw.prepare('INSERT INTO doc_runs (_id, doc) VALUES (?, ?)');
      insert.run('old', JSON.stringify({ _id: 'old', status: 'active', info: { owner: 'u2' }, created: '2024-01-01', title: 'Legacy \u2028 text', _position: 3 }));
      raw.prepare('INSERT INTO doc_runs (_id, doc) VALUES (?, jsonb(?))').run('older', JSON.stringify({ _id: 'older', status: 'finished', created: '2023-12-01' }));
    } finally {
      raw.close();
    }
    await store.ensureCollection('runs', spec);
    const c = store.collection('runs', spec);
    await c.upsert({ _id: 'new', status: 'active', info: { owner: 'u1' }, created: '2024-02-01', title: 'Fresh' });

    const check = new Database(file, { readonly: true });
    try {
      const indexes = (check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'doc_runs' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
      expect(indexes).toEqual(['key:doc_runs:created', 'key:doc_runs:info.owner', 'key:doc_runs:status', 'sqlite_autoindex_doc_runs_1']);
      expect(check.prepare('SELECT _id, typeof(doc) AS kind FROM doc_runs ORDER BY _id').all()).toEqual([
        { _id: 'new', kind: 'blob' },
        { _id: 'old', kind: 'text' },
        { _id: 'older', kind: 'blob' },
      ]);
    } finally {
      check.close();
    }
    expect(await c.get('old')).toEqual({ _id: 'old', status: 'active', info: { owner: 'u2' }, created: '2024-01-01', title: 'Legacy \u2028 text', _position: 3 });
    expect((await c.find({ where: { status: 'active' }, sort: { field: 'created', order: 'asc' } })).map((d) => d._id)).toEqual(['old', 'new']);
    expect((await c.find({ where: { 'info.owner': null }, sort: { field: 'created', order: 'desc' } })).map((d) => d._id)).toEqual(['older']);
    expect((await c.find({ where: { 'info.owner': 'u2' } })).map((d) => d._id)).toEqual(['old']);
    expect((await c.find({ text: 'legacy' })).map((d) => d._id)).toEqual(['old']);

    // The position stored inside the old document still guards it.
    const replace = (from: bigint | null, to: bigint, position: number, status: string) =>
      store.commitProjectionBatch({
        checkpointId: 'legacy',
        from,
        to,
        changes: [{ collection: 'runs', id: 'old', position, doc: { _id: 'old', status, info: { owner: 'u2' }, created: '2024-01-01' } }],
      });
    await replace(null, 2n, 2, 'stale');
    expect((await c.get('old'))?.status).toBe('active');
    await replace(2n, 5n, 5, 'finished');
    expect(await c.get('old')).toEqual({ _id: 'old', status: 'finished', info: { owner: 'u2' }, created: '2024-01-01', _position: 5 });
    expect(await c.count({ where: { status: 'active' } })).toBe(1);
    expect((await c.find({ where: { status: 'finished' } })).map((d) => d._id).sort()).toEqual(['old', 'older']);
  });

  it('keeps every key column equal to the value SQLite reads from the document, through updates that change some of them', async () => {
    const fields = ['s', 'n', 'b', 'nested.deep', 'obj', 'arr', 'gone', 'when', 'big'];
    const wide: CollectionSpec = { indexes: fields };
    await store.ensureCollection('wide', wide);
    const c = store.collection('wide', wide);
    const docs: Doc[] = [
      { _id: 'a', s: 'plain', n: 3, b: true, nested: { deep: 'x' }, obj: { k: [1, 'é', null] }, arr: [3, 2, 1], gone: null, when: new Date(Date.UTC(2024, 0, 2)), big: 1.5e300 },
      { _id: 'b', s: 'ünïcödé \u2028 "quoted"', n: -0.25, b: false, nested: 'not an object', arr: [], big: -1 },
      { _id: 'c', nested: { deep: { deeper: 1 } }, obj: {}, n: Number.NaN, s: '' },
      { _id: 'd', nested: [{ deep: 'inside an array' }] },
    ];
    await c.bulkWrite(docs.map((doc) => ({ op: 'upsert' as const, doc })));
    // Updates that change one key column, none, or several.
    await c.upsert({ ...docs[0]!, n: 4 });
    await c.upsert({ ...docs[1]! });
    await c.upsert({ _id: 'c', s: 'now set', b: true, gone: 'here' });
    const check = new Database(file, { readonly: true });
    try {
      for (const field of fields) {
        const rows = check
          .prepare(`SELECT _id, "key:${field}" AS stored, ifnull(json_extract(doc, '$.${field}'), -9e999) AS fromDoc FROM doc_wide ORDER BY _id`)
          .all() as { _id: string; stored: unknown; fromDoc: unknown }[];
        for (const row of rows) expect({ field, id: row._id, value: row.stored }).toEqual({ field, id: row._id, value: row.fromDoc });
      }
    } finally {
      check.close();
    }
    expect((await c.find({ where: { n: 4 } })).map((d) => d._id)).toEqual(['a']);
    expect(await c.count({ where: { n: 3 } })).toBe(0);
    expect((await c.find({ where: { s: 'now set' } })).map((d) => d._id)).toEqual(['c']);
    expect((await c.find({ where: { b: true }, sort: { field: '_id', order: 'asc' } })).map((d) => d._id)).toEqual(['a', 'c']);
    expect((await c.find({ where: { 'nested.deep': null }, sort: { field: '_id', order: 'asc' } })).map((d) => d._id)).toEqual(['b', 'c', 'd']);
  });

  it('rejects unsafe collection names and field paths before they reach SQL', async () => {
    for (const name of ['runs"; DROP TABLE x; --', 'a b', '1runs', '', 'x'.repeat(64), 'runs.v2']) {
      await expect(store.ensureCollection(name, { indexes: [] })).rejects.toBeInstanceOf(InvalidQueryError);
    }
    for (const field of ["a') OR 1=1 --", 'a..b', '$where', 'a-b']) {
      await expect(store.ensureCollection('safe', { indexes: [field] })).rejects.toBeInstanceOf(InvalidQueryError);
    }
    expect(() => store.collection('bad name', { indexes: [] })).toThrow(InvalidQueryError);
    await expect(store.setAlias('runs', 'runs"x')).rejects.toBeInstanceOf(InvalidQueryError);
    expect(await store.listCollections()).toEqual([]);
  });

  it('stores values that look like SQL or JSON paths as plain data', async () => {
    await store.ensureCollection('runs', spec);
    const c = store.collection('runs', spec);
    const tricky = { _id: "x' OR '1'='1", status: "'; DROP TABLE doc_runs; --", title: '%_\\[]' };
    await c.upsert(tricky);
    await c.upsert({ _id: 'plain', status: 'active', title: 'plain' });
    expect(await c.get(tricky._id)).toEqual(tricky);
    expect(await c.find({ where: { status: tricky.status } })).toEqual([tricky]);
    expect((await c.find({ text: '%_\\' })).map((d) => d._id)).toEqual([tricky._id]);
    expect(await c.count()).toBe(2);
  });

  it('rolls a whole projection batch back when one change is invalid', async () => {
    const bad = store.commitProjectionBatch({
      checkpointId: 'p@1',
      from: null,
      to: 2n,
      changes: [
        { collection: 'fresh', id: 'a', position: 1, doc: { _id: 'a' } },
        { collection: 'fresh', id: 'b', position: Number.NaN, doc: { _id: 'b' } },
      ],
    });
    await expect(bad).rejects.toBeInstanceOf(InvalidQueryError);
    expect(await store.getCheckpoint('p@1')).toBeNull();
    expect(await store.listCollections()).toEqual([]);
    await store.commitProjectionBatch({
      checkpointId: 'p@1',
      from: null,
      to: 1n,
      changes: [{ collection: 'fresh', id: 'a', position: 1, doc: { _id: 'a' } }],
    });
    expect(await store.collection('fresh', { indexes: [] }).get('a')).toEqual({ _id: 'a', _position: 1 });
  });

  it('reports a closed store as unavailable', async () => {
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    await expect(store.getCheckpoint('x')).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });

  it('waits for another process holding the write lock, and reads meanwhile', async () => {
    await store.ensureCollection('runs', spec);
    const c = store.collection('runs', spec);
    await c.upsert({ _id: 'before', status: 'active' });

    // The other process takes the write lock, writes a document, and commits after 400 ms.
    const { exited } = await holdWriteLockInAnotherProcess(
      file,
      `INSERT INTO doc_runs (_id, doc) VALUES ('other', '${JSON.stringify({ _id: 'other', status: 'active' })}')`,
    );

    const readStarted = Date.now();
    expect(await c.get('before')).toEqual({ _id: 'before', status: 'active' });
    expect(await c.get('other')).toBeNull();
    expect(Date.now() - readStarted).toBeLessThan(200);

    const writeStarted = Date.now();
    await store.commitProjectionBatch({
      checkpointId: 'runs@1',
      from: null,
      to: 1n,
      changes: [{ collection: 'runs', id: 'mine', position: 1, doc: { _id: 'mine', status: 'finished' } }],
    });
    expect(Date.now() - writeStarted).toBeGreaterThanOrEqual(100);
    expect(await exited).toBe(0);
    expect((await c.find()).map((d) => d._id)).toEqual(['before', 'mine', 'other']);
    expect(await store.getCheckpoint('runs@1')).toBe(1n);
  });

  it('waits for another connection holding the write lock before bringing a table up to a new index', async () => {
    await store.collection('runs', { indexes: [] }).upsert({ _id: 'before', status: 'active' });

    // The other process holds the write lock for 400 ms. Adding the index reads the table's columns
    // first: in a deferred transaction that read would make the write fail at once with SQLITE_BUSY.
    const { exited } = await holdWriteLockInAnotherProcess(file, "DELETE FROM doc_runs WHERE _id = 'nothing'");
    const started = Date.now();
    expect(await store.collection('runs', spec).count({ where: { status: 'active' } })).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await exited).toBe(0);
  });
});
