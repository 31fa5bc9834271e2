import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Doc, ReadStore } from '../../../src/stores/documents/port.js';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import type { SqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { GATE_HELD, GATE_OPEN, createWriteGate } from '../../../src/stores/sqlite/writeGate.js';
import { fileSize } from '../../support/fileWatch.js';
import { makeTempDir } from '../../support/tempDir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const payload = 'x'.repeat(2_000);
const metadata = { actor: 'tester', correlationId: 'corr' };

/**
 * Runs `write` without pause, sampling the WAL's size every few milliseconds, for at least
 * `MIN_WRITING_MS` and until the WAL has been emptied `EMPTIED_TIMES` times (at most `MAX_WRITING_MS`:
 * a slow machine makes the checkpoints slower, not absent).
 */
const MIN_WRITING_MS = 1_500;
const MAX_WRITING_MS = 10_000;
const EMPTIED_TIMES = 3;
const writeWithoutPause = async (walFile: string, write: (round: number) => Promise<unknown>) => {
  let previous = 0;
  let drops = 0;
  const sampler = setInterval(() => {
    const size = fileSize(walFile);
    if (size < previous) drops += 1;
    previous = size;
  }, 5);
  const started = Date.now();
  let round = 0;
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      if (elapsed >= MAX_WRITING_MS || (elapsed >= MIN_WRITING_MS && drops >= EMPTIED_TIMES)) break;
      await write(round++);
    }
  } finally {
    clearInterval(sampler);
  }
  return { drops, rounds: round };
};

const holdFromTest = (buffer: SharedArrayBuffer) => {
  const state = new Int32Array(buffer);
  expect(Atomics.compareExchange(state, 0, GATE_OPEN, GATE_HELD)).toBe(GATE_OPEN);
  return () => {
    Atomics.store(state, 0, GATE_OPEN);
    Atomics.notify(state, 0);
  };
};

describe('WAL files stay bounded under writes that never pause', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(() => {
    temp = makeTempDir('wal-truncation-');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    temp.remove();
  });

  const openEvents = (options: Partial<Parameters<typeof createSqliteEventStore>[0]> = {}): SqliteEventStore => {
    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.db'), ...options });
    closers.push(() => store.close());
    return store;
  };
  const openRead = (options: Partial<Parameters<typeof createSqliteReadStore>[0]> = {}): ReadStore => {
    const store = createSqliteReadStore({ path: path.join(temp.dir, 'read.db'), ...options });
    closers.push(() => store.close());
    return store;
  };

  it('event log: the checkpointer empties the WAL between commits while appends keep coming', async () => {
    // 64 pages of 4 KiB: the checkpointer starts at 256 KiB of WAL.
    const store = openEvents({ synchronous: 'NORMAL', walAutocheckpointPages: 64, checkpointIntervalMs: 20 });
    const wal = path.join(temp.dir, 'events.db-wal');
    const appends = (round: number) =>
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.append(`run-${round % 50}-${i}`, [{ type: 'Tick', data: { payload }, metadata }], 'any'),
        ),
      );
    const seen = await writeWithoutPause(wal, appends);
    const written = seen.rounds * 40 * payload.length;
    expect(written).toBeGreaterThan(10_000_000);
    expect(seen.drops).toBeGreaterThanOrEqual(EMPTIED_TIMES);
    expect(store.stats().appends).toBe(seen.rounds * 40);
    const checkpoints = store.walCheckpoints();
    expect(checkpoints?.truncations).toBeGreaterThan(0);
    expect(checkpoints?.gatedPasses).toBeGreaterThanOrEqual(checkpoints?.truncations ?? Infinity);
    expect(checkpoints?.longestHoldMs).toBeGreaterThan(0);
    expect(checkpoints?.longestHoldMs).toBeGreaterThanOrEqual(checkpoints?.lastHoldMs ?? Infinity);
  });

  it('read store: the checkpointer empties the WAL between projection batches', async () => {
    const store = openRead({ checkpointIntervalMs: 20, truncateWalAboveBytes: 256 * 1024 });
    const items = store.collection<Doc>('items', { indexes: ['n'] });
    let position = 0n;
    const batch = async (round: number) => {
      const changes = Array.from({ length: 40 }, (_, i) => ({
        collection: 'items',
        id: `d${(round * 40 + i) % 5_000}`,
        position: Number(position) + i + 1,
        doc: { _id: `d${(round * 40 + i) % 5_000}`, n: round, payload },
      }));
      await store.commitProjectionBatch({ checkpointId: 'items', from: position === 0n ? null : position, to: position + 40n, changes });
      position += 40n;
    };
    const seen = await writeWithoutPause(path.join(temp.dir, 'read.db-wal'), batch);
    const written = seen.rounds * 40 * payload.length;
    expect(written).toBeGreaterThan(10_000_000);
    expect(seen.drops).toBeGreaterThanOrEqual(EMPTIED_TIMES);
    expect(await items.count({})).toBe(Math.min(5_000, seen.rounds * 40));
  });

  it('event log: appends wait in the queue while the gate is held, and commit together after', async () => {
    const gate = createWriteGate({ maxHoldMs: 5_000 });
    const store = openEvents({ synchronous: 'NORMAL', writeGate: gate, checkpointIntervalMs: 60_000 });
    await store.append('warm-up', [{ type: 'Tick', data: {}, metadata }], 'any');
    const before = store.stats().transactions;
    const release = holdFromTest(gate.buffer);
    let settled = 0;
    const appends = Array.from({ length: 10 }, (_, i) =>
      store.append(`run-${i}`, [{ type: 'Tick', data: {}, metadata }], 'no_stream').then(() => settled++),
    );
    await sleep(50);
    expect(settled).toBe(0);
    expect(store.stats().transactions).toBe(before);
    release();
    await Promise.all(appends);
    expect(store.stats().transactions).toBe(before + 1);
  });

  it('event log: a hold longer than allowed does not stop appends', async () => {
    const gate = createWriteGate({ maxHoldMs: 50 });
    const store = openEvents({ synchronous: 'NORMAL', writeGate: gate, checkpointIntervalMs: 60_000 });
    holdFromTest(gate.buffer);
    const started = Date.now();
    await store.append('run-1', [{ type: 'Tick', data: {}, metadata }], 'no_stream');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('read store: writes wait while the gate is held and then run in the order they were made', async () => {
    const gate = createWriteGate({ maxHoldMs: 5_000 });
    const store = openRead({ writeGate: gate, checkpointIntervalMs: 60_000 });
    const items = store.collection<Doc & { v: number }>('items', { indexes: [] });
    await items.upsert({ _id: 'a', v: 0 });
    const release = holdFromTest(gate.buffer);
    const writes = [1, 2, 3].map((v) => items.upsert({ _id: 'a', v }));
    const batch = store.commitProjectionBatch({ checkpointId: 'p', from: null, to: 1n, changes: [] });
    await sleep(50);
    expect((await items.get('a'))?.v).toBe(0);
    expect(await store.getCheckpoint('p')).toBeNull();
    release();
    await Promise.all([...writes, batch]);
    expect((await items.get('a'))?.v).toBe(3);
    expect(await store.getCheckpoint('p')).toBe(1n);
  });
});
