import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { UNBOUNDED, visibleBoundOver } from '../../../src/stores/events/sqlite/visibleBound.js';
import { manualSync, sqliteEventStoresPerTest, testEvent as event } from '../../support/sqliteEventStores.js';

describe('sqlite event store: a reader in another thread sees only what the writer made durable', () => {
  const openStore = sqliteEventStoresPerTest('fishtest-es-bound-');

  const writerAndReader = (): { writer: SqliteEventStore; reader: SqliteEventStore; control: ReturnType<typeof manualSync> } => {
    const control = manualSync();
    const writer = openStore({ synchronous: 'FULL', openWalSync: () => control.sync });
    // Polls once a minute: only a nudge can wake its subscriptions within a test.
    const reader = openStore({ readonly: true, visibleBound: writer.shareVisibleBound(), pollIntervalMs: 60_000 });
    return { writer, reader, control };
  };

  const typesOf = async (store: SqliteEventStore): Promise<string[]> => (await store.readAll()).map((e) => e.type);

  it('hides a commit from the reader until its sync is done', async () => {
    const { writer, reader, control } = writerAndReader();
    const first = writer.append('run-1', [event('Created')], 'no_stream');
    await sleep(5);
    expect(control.calls()).toBe(1);
    // Committed in the database, so a plain connection would see it; the reader must not.
    expect(await typesOf(reader)).toEqual([]);
    control.release();
    await first;
    expect(await typesOf(reader)).toEqual(['Created']);

    const second = writer.append('run-1', [event('Updated')], 'any');
    await sleep(5);
    expect(await typesOf(reader)).toEqual(['Created']);
    control.release();
    await second;
    expect(await typesOf(reader)).toEqual(['Created', 'Updated']);
  });

  it('lifts the bound once nothing waits for a sync, so other writers are seen too', async () => {
    const { writer, reader, control } = writerAndReader();
    const bound = visibleBoundOver(writer.shareVisibleBound());
    expect(bound.get()).toBe(UNBOUNDED);
    const pending = writer.append('run-1', [event('Created')], 'no_stream');
    await sleep(5);
    expect(bound.get()).toBe(0);
    control.release();
    await pending;
    expect(bound.get()).toBe(UNBOUNDED);

    // Another process (an operator's CLI) writes to the same log and syncs it itself.
    const other = openStore({ synchronous: 'NORMAL' });
    await other.append('user-ann', [event('Registered')], 'no_stream');
    expect(await typesOf(reader)).toEqual(['Created', 'Registered']);
  });

  it('wakes a caught-up subscription of the reader on nudge, with only durable events', async () => {
    const { writer, reader, control } = writerAndReader();
    let committed = 0;
    writer.onCommitted(() => committed++);
    const seen = firstValueFrom(reader.subscribeAll().pipe(take(2), toArray()));
    const first = writer.append('run-1', [event('Created')], 'no_stream');
    await sleep(5);
    reader.nudge();
    await sleep(20);
    expect(committed).toBe(0);
    control.release();
    await first;
    expect(committed).toBe(1);
    const second = writer.append('run-1', [event('Updated')], 'any');
    await sleep(5);
    control.release();
    await second;
    reader.nudge();
    expect((await seen).map((e) => e.type)).toEqual(['Created', 'Updated']);
  });
});
