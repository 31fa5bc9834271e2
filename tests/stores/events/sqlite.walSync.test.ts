import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EventStoreUnavailableError } from '../../../src/stores/events/errors.js';
import type { SqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import type { WalSync } from '../../../src/stores/events/sqlite/walSync.js';
import { createWalSync } from '../../../src/stores/events/sqlite/walSync.js';
import { manualSync, sqliteEventStoresPerTest, testEvent as event } from '../../support/sqliteEventStores.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('sqlite event store: FULL acknowledges after the WAL is synced off the event loop', () => {
  const openStore = sqliteEventStoresPerTest('fishtest-es-walsync-');
  const open = (sync: WalSync): SqliteEventStore => openStore({ synchronous: 'FULL', openWalSync: () => sync });

  it('settles an append only after its sync, and hides its rows from readers until then', async () => {
    const control = manualSync();
    const store = open(control.sync);
    const created = store.append('run-1', [event('Created')], 'no_stream');
    await sleep(5);
    control.release();
    await created;

    let settled = false;
    const pending = store.append('run-1', [event('Updated')], 'any').then((result) => {
      settled = true;
      return result;
    });
    const live = firstValueFrom(store.subscribeAll({ fromPosition: 1n }).pipe(take(1)));
    await sleep(20);
    expect(control.calls()).toBe(1);
    expect(settled).toBe(false);
    expect((await store.readAll()).map((e) => e.type)).toEqual(['Created']);

    control.release();
    const result = await pending;
    expect(result.position).toBe(2n);
    expect((await store.readAll()).map((e) => e.type)).toEqual(['Created', 'Updated']);
    expect((await live).type).toBe('Updated');
  });

  it('reports a failed sync as unavailable, and a retry with the same ids is recognised', async () => {
    const control = manualSync();
    const store = open(control.sync);
    const first = store.append('run-1', [event('Created', 'created-1')], 'no_stream');
    await sleep(5);
    control.fail(new Error('EIO'));
    await expect(first).rejects.toBeInstanceOf(EventStoreUnavailableError);

    const retry = store.append('run-1', [event('Created', 'created-1')], 'no_stream');
    await sleep(5);
    control.release();
    expect(await retry).toEqual({ nextRevision: 0n, position: 1n });
  });

  it('commits the appends that arrive during a sync together once it ends, and syncs them once', async () => {
    const control = manualSync();
    const store = open(control.sync);
    const first = store.append('run-1', [event('A')], 'any');
    await sleep(5);
    const transactionsBefore = store.stats().transactions;
    const more = Array.from({ length: 20 }, (_, i) => store.append(`run-${i}`, [event('B')], 'any'));
    await sleep(5);
    expect(control.calls()).toBe(1);
    expect(store.stats().transactions).toBe(transactionsBefore);
    control.release();
    await first;
    await sleep(5);
    expect(store.stats().transactions).toBe(transactionsBefore + 1);
    expect(control.calls()).toBe(1);
    control.release();
    expect((await Promise.all(more)).length).toBe(20);
    expect((await store.readAll()).length).toBe(21);
  });
});

describe('createWalSync', () => {
  it('syncs a real file, coalesces callers that arrive during a sync, and closes after them', async () => {
    const temp = makeTempDir('fishtest-es-walsync-file-');
    try {
      const file = path.join(temp.dir, 'events.db-wal');
      writeFileSync(file, 'frames');
      const sync = createWalSync(file);
      const results = await Promise.all(Array.from({ length: 50 }, () => sync.sync().then(() => 'synced')));
      expect(results.every((value) => value === 'synced')).toBe(true);
      // Fifty callers, far fewer fdatasyncs: each one is timed.
      const { count, totalMs, maxMs } = sync.stats?.() ?? { count: 0, totalMs: -1, maxMs: -1 };
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThan(50);
      expect(totalMs).toBeGreaterThanOrEqual(maxMs);
      expect(maxMs).toBeGreaterThanOrEqual(0);
      const late = sync.sync();
      await sync.close();
      await expect(late).resolves.toBeUndefined();
    } finally {
      temp.remove();
    }
  });

  it('rejects when the WAL file is missing', async () => {
    const temp = makeTempDir('fishtest-es-walsync-missing-');
    try {
      const sync = createWalSync(path.join(temp.dir, 'absent-wal'));
      await expect(sync.sync()).rejects.toThrow(/ENOENT/);
      await sync.close();
    } finally {
      temp.remove();
    }
  });
});
