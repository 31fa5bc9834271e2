import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { fileSize, pollUntil } from '../../support/fileWatch.js';
import { makeTempDir } from '../../support/tempDir.js';

/** `count` events of about 2 KB each on `streams` streams, appended concurrently (one group commit or a few). */
const appendMany = async (store: SqliteEventStore, from: number, count: number, streams = 50): Promise<bigint> => {
  const results = await Promise.all(
    Array.from({ length: count }, (_, k) =>
      store.append(`note-${(from + k) % streams}`, [{ type: 'Noted', data: { n: from + k, text: 'x'.repeat(2_000) }, metadata: { actor: 'tester', correlationId: 'corr' } }], 'any'),
    ),
  );
  return results.reduce((max, result) => (result.position > max ? result.position : max), 0n);
};

describe('SQLite event store: WAL checkpoints on a thread of their own', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let store: SqliteEventStore | undefined;

  beforeEach(() => {
    temp = makeTempDir('events-checkpoints-');
    file = path.join(temp.dir, 'events.sqlite');
  });

  afterEach(async () => {
    await store?.close();
    temp.remove();
  });

  it('commits only append to the WAL, even past the autocheckpoint size; the thread copies it into the database', async () => {
    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 60_000, walAutocheckpointPages: 100 });
    const before = fileSize(file);
    await appendMany(store, 0, 1_000);
    // About 2 MB of WAL, five times the 100-page limit at which a commit would have checkpointed.
    expect(fileSize(`${file}-wal`)).toBeGreaterThan(2_000_000);
    expect(fileSize(file)).toBe(before);
    await store.close();

    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 50, walAutocheckpointPages: 100 });
    const last = await appendMany(store, 1_000, 1_000);
    expect(await pollUntil(() => fileSize(file) > 3_000_000)).toBe(true);
    expect(await store.headPosition()).toBe(last);
  });

  it('waits for the WAL to reach the autocheckpoint size before it checkpoints', async () => {
    // 5,000 pages (about 20 MB): the first 1,000 events (about 4 MB of WAL) stay there however many intervals pass.
    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 20, walAutocheckpointPages: 5_000 });
    const before = fileSize(file);
    await appendMany(store, 0, 1_000);
    expect(fileSize(`${file}-wal`)).toBeLessThan(20_000_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fileSize(file)).toBe(before);
    await appendMany(store, 1_000, 5_000);
    expect(await pollUntil(() => fileSize(file) > 15_000_000)).toBe(true);
  });

  it('keeps the WAL to about one interval of appends past that size, and every event across a reopen', async () => {
    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 50, walAutocheckpointPages: 100 });
    await appendMany(store, 0, 500);
    const oneRound = fileSize(`${file}-wal`);
    expect(oneRound).toBeGreaterThan(1_000_000);
    expect(await pollUntil(() => fileSize(file) > 1_000_000)).toBe(true);
    for (let round = 1; round <= 5; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await appendMany(store, round * 500, 500);
    }
    expect(await pollUntil(() => fileSize(file) > 6_000_000)).toBe(true);
    // Six rounds of the same size: without the restarts the WAL would hold all of them.
    expect(fileSize(`${file}-wal`)).toBeLessThan(oneRound * 2);
    await store.close();

    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 50, walAutocheckpointPages: 100 });
    expect(await store.headPosition()).toBe(3_000n);
    expect((await store.readAll({ fromPosition: 2_990n })).map((event) => event.position)).toEqual(
      Array.from({ length: 10 }, (_, k) => 2_991n + BigInt(k)),
    );
  });

  it('leaves checkpoints to SQLite when the interval is 0', async () => {
    store = createSqliteEventStore({ path: file, checkpointIntervalMs: 0, walAutocheckpointPages: 100 });
    await appendMany(store, 0, 1_000);
    // The commit crossing 100 pages checkpointed by itself.
    expect(fileSize(file)).toBeGreaterThan(1_000_000);
  });
});
