import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectionSpec, Doc, ReadStore } from '../../../src/stores/documents/port.js';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import { startWalCheckpointer } from '../../../src/stores/sqlite/walCheckpointer.js';
import { fileSize, pollUntil } from '../../support/fileWatch.js';
import { makeTempDir } from '../../support/tempDir.js';

const spec: CollectionSpec = { indexes: ['n'] };
const docs = (from: number, count: number): Doc[] =>
  Array.from({ length: count }, (_, k) => ({ _id: `d${from + k}`, n: from + k, text: 'x'.repeat(1_000) }));

describe('SQLite read store: WAL checkpoints on a thread of their own', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let store: ReadStore | undefined;

  beforeEach(() => {
    temp = makeTempDir('checkpointer-');
    file = path.join(temp.dir, 'read.db');
  });

  afterEach(async () => {
    await store?.close();
    temp.remove();
  });

  const write = async (target: ReadStore, from: number, count: number): Promise<void> => {
    await target.collection('items', spec).bulkWrite(docs(from, count).map((doc) => ({ op: 'upsert', doc })));
  };

  it('commits only append to the WAL; the thread copies it into the database', async () => {
    // Long enough that the commit below is certainly over before the thread's first checkpoint.
    store = createSqliteReadStore({ path: file, checkpointIntervalMs: 400 });
    const before = fileSize(file);
    await write(store, 0, 3_000);
    // About 3 MB, three times SQLite's own limit of 1,000 pages: the commit itself did not checkpoint.
    expect(fileSize(`${file}-wal`)).toBeGreaterThan(3_000_000);
    expect(fileSize(file)).toBe(before);
    expect(await pollUntil(() => fileSize(file) > 3_000_000)).toBe(true);
  });

  it('keeps the WAL to about one interval of writes: it restarts once copied', async () => {
    store = createSqliteReadStore({ path: file, checkpointIntervalMs: 50 });
    await write(store, 0, 2_000);
    expect(await pollUntil(() => fileSize(file) > 2_000_000)).toBe(true);
    const walAfterFirst = fileSize(`${file}-wal`);
    for (let round = 1; round <= 5; round += 1) {
      // The thread is copying the previous round into the database (however late a loaded machine
      // runs it); a few more intervals let it finish, so this round's first commit can start the
      // WAL again from its beginning.
      expect(await pollUntil(() => fileSize(file) > round * 1_900_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await write(store, round * 2_000, 2_000);
    }
    expect(await pollUntil(() => fileSize(file) > 11_000_000)).toBe(true);
    // Six rounds of the same size: without the restarts the WAL would hold all of them (six times
    // the first); a restart that came one round late still leaves it well under three.
    expect(fileSize(`${file}-wal`)).toBeLessThan(walAfterFirst * 3);
  });

  it('keeps every document across a close and a reopen', async () => {
    store = createSqliteReadStore({ path: file, checkpointIntervalMs: 50 });
    await write(store, 0, 500);
    await store.close();
    store = createSqliteReadStore({ path: file, checkpointIntervalMs: 50 });
    expect(await store.collection('items', spec).count({})).toBe(500);
  });

  it('leaves checkpoints to SQLite when the interval is 0', async () => {
    store = createSqliteReadStore({ path: file, checkpointIntervalMs: 0 });
    await write(store, 0, 3_000);
    expect(fileSize(file)).toBeGreaterThan(3_000_000);
  });

  it('reports a thread that cannot work, so the writer checkpoints by itself again', async () => {
    const failure = await new Promise<unknown>((resolve) => {
      const checkpointer = startWalCheckpointer({ path: path.join(temp.dir, 'missing.db'), intervalMs: 50, onFailure: resolve });
      void checkpointer;
    });
    expect(String((failure as { message?: unknown }).message)).toMatch(/SQLITE_CANTOPEN/);
  });
});
