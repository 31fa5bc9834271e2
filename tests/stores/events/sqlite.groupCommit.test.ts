import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { NewEvent, RecordedEvent } from '../../../src/stores/events/port.js';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
} from '../../../src/stores/events/errors.js';
import { sqliteEventStoresPerTest, testEvent as event } from '../../support/sqliteEventStores.js';

describe('sqlite event store: group commit and adapter specifics', () => {
  const open = sqliteEventStoresPerTest('fishtest-es-groupcommit-');

  it('commits many concurrent appends in far fewer transactions', async () => {
    const store = open();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => store.append(`run-${i % 30}`, [event('Tick')], 'any')),
    );
    const positions = results.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1));
    expect(positions).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i + 1)));
    const stats = store.stats();
    expect(stats.appends).toBe(300);
    expect(stats.transactions).toBeLessThanOrEqual(3);
    expect(stats.largestBatch).toBeGreaterThanOrEqual(100);
  });

  it('flushes at once when the queue reaches maxBatchEvents', async () => {
    const store = open({ maxBatchEvents: 10 });
    await Promise.all(Array.from({ length: 35 }, (_, i) => store.append(`s-${i}`, [event('E')], 'no_stream')));
    expect(store.stats().transactions).toBe(4);
    expect(store.stats().largestBatch).toBe(10);
  });

  it('with a commit interval, commits the first append at once and the next ones together after the interval', async () => {
    const store = open({ commitIntervalMs: 60, synchronous: 'NORMAL' });
    const first = performance.now();
    await store.append('s-0', [event('E')], 'no_stream');
    expect(store.stats().transactions).toBe(1);
    const later: Array<Promise<unknown>> = [];
    for (let i = 1; i <= 5; i++) {
      later.push(store.append(`s-${i}`, [event('E')], 'no_stream'));
      await sleep(3);
    }
    expect(store.stats().transactions).toBe(1);
    await Promise.all(later);
    expect(performance.now() - first).toBeGreaterThanOrEqual(55);
    expect(store.stats().transactions).toBe(2);
    expect(store.stats().largestBatch).toBe(5);
  });

  it('with a commit interval, still commits at once when the queue reaches maxBatchEvents', async () => {
    const store = open({ commitIntervalMs: 10_000, maxBatchEvents: 4, synchronous: 'NORMAL' });
    await store.append('s-0', [event('E')], 'no_stream');
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(`s-${i + 1}`, [event('E')], 'no_stream')));
    expect(store.stats().transactions).toBe(3);
  });

  it('fails only the append with a wrong expected version, not its batch mates', async () => {
    const store = open();
    await store.append('run-a', [event('Created')], 'no_stream');
    const before = store.stats().transactions;
    const outcomes = await Promise.allSettled([
      store.append('run-a', [event('Good1')], 0n),
      store.append('run-a', [event('Stale')], 0n),
      store.append('run-b', [event('Good2')], 'no_stream'),
      store.append('run-c', [event('Bad')], 'stream_exists'),
      store.append('run-a', [event('Good3')], 1n),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(store.stats().transactions).toBe(before + 1);
    const stale = outcomes[1];
    expect(stale?.status === 'rejected' && stale.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream('run-a')).map((e) => e.type)).toEqual(['Created', 'Good1', 'Good3']);
    await expect(store.readStream('run-c')).rejects.toThrow();
  });

  it('rejects an id already used by another stream, without failing the batch', async () => {
    const store = open();
    const id = randomUUID();
    await store.append('run-a', [event('First', id)], 'no_stream');
    const outcomes = await Promise.allSettled([
      store.append('run-b', [event('Reused', id)], 'no_stream'),
      store.append('run-c', [event('Fine')], 'no_stream'),
    ]);
    expect(outcomes[1]?.status).toBe('fulfilled');
    const reused = outcomes[0];
    expect(reused?.status).toBe('rejected');
    const error = (reused as PromiseRejectedResult).reason as DuplicateEventIdError;
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(error.existingStream).toBe('run-a');
    expect(error.stream).toBe('run-b');
    await expect(store.readStream('run-b')).rejects.toThrow();
  });

  it('undoes an append whose later event reuses an id, keeping positions gapless', async () => {
    const store = open();
    const taken = randomUUID();
    await store.append('run-a', [event('A', taken)], 'no_stream');
    const outcomes = await Promise.allSettled([
      store.append('run-b', [event('B1', randomUUID()), event('B2', randomUUID()), event('B3', taken)], 'no_stream'),
      store.append('run-c', [event('C')], 'no_stream'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect((outcomes[1] as PromiseFulfilledResult<{ position: bigint }>).value.position).toBe(2n);
    const all = await store.readAll();
    expect(all.map((e) => [e.position, e.type])).toEqual([
      [1n, 'A'],
      [2n, 'C'],
    ]);
  });

  it('rejects a partly repeated append instead of treating it as a retry', async () => {
    const store = open();
    const first = randomUUID();
    await store.append('run-a', [event('A', first)], 'no_stream');
    const error = await store
      .append('run-a', [event('A', first), event('B', randomUUID())], 'no_stream')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream('run-a')).toHaveLength(1);
  });

  it('re-runs a batch one append at a time when something unexpected throws, failing only the culprit', async () => {
    const store = open();
    const unbindable = { type: { not: 'a string' }, data: {}, metadata: { actor: 'x', correlationId: 'y' } };
    const outcomes = await Promise.allSettled([
      store.append('run-a', [event('A')], 'no_stream'),
      store.append('run-b', [unbindable as unknown as NewEvent], 'no_stream'),
      store.append('run-a', [event('A2')], 0n),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(WrongExpectedVersionError);
    expect(store.stats().batchesReplayedOneByOne).toBe(1);
    expect((await store.readAll()).map((e) => [e.position, e.type])).toEqual([
      [1n, 'A'],
      [2n, 'A2'],
    ]);
  });

  it('rejects data that cannot be serialized at once', async () => {
    const store = open();
    await expect(
      store.append('run-a', [{ type: 'Big', data: { n: 1n }, metadata: { actor: 'x', correlationId: 'y' } }], 'any'),
    ).rejects.toBeInstanceOf(TypeError);
    expect(store.stats().transactions).toBe(0);
  });

  it('sees appends made by another connection to the same file (stream heads are not stale)', async () => {
    const first = open();
    const second = open();
    await first.append('run-x', [event('One')], 'no_stream');
    await second.append('run-x', [event('Two')], 0n);
    const stale = await first.append('run-x', [event('Stale')], 0n).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect((stale as WrongExpectedVersionError).actual).toBe(1n);
    const next = await first.append('run-x', [event('Three')], 1n);
    expect(next).toEqual({ nextRevision: 2n, position: 3n });
  });

  it('lets a read-only connection follow the log written by another one', async () => {
    const writer = open();
    await writer.append('run-p', [event('Before')], 'no_stream');
    const reader = open({ readonly: true, pollIntervalMs: 20 });
    await expect(reader.append('run-p', [event('No')], 'any')).rejects.toThrow(/read-only/);
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribeAll().subscribe((e) => seen.push(e));
    await writer.append('run-p', [event('After')], 0n);
    for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(10);
    subscription.unsubscribe();
    expect(seen.map((e) => e.type)).toEqual(['Before', 'After']);
  });

  it('close() commits queued appends first, then refuses new ones', async () => {
    const store = open();
    const pending = store.append('run-a', [event('Queued')], 'no_stream');
    await store.close();
    await expect(pending).resolves.toEqual({ nextRevision: 0n, position: 1n });
    await expect(store.append('run-a', [event('Late')], 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    const reopened = open();
    expect((await reopened.readStream('run-a')).map((e) => e.type)).toEqual(['Queued']);
  });

  it('close() completes live subscriptions', async () => {
    const store = open({ pollIntervalMs: 10_000 });
    let completed = false;
    store.subscribeAll().subscribe({ complete: () => (completed = true) });
    await sleep(10);
    await store.close();
    expect(completed).toBe(true);
  });

  it('leaves no timer behind after unsubscribe', async () => {
    const pollIntervalMs = 12_345;
    const store = open({ pollIntervalMs });
    const pollTimers = new Set<unknown>();
    const cleared = new Set<unknown>();
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const setSpy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      callback: () => void,
      ms?: number,
    ) => {
      const timer = realSetTimeout(callback, ms);
      if (ms === pollIntervalMs) pollTimers.add(timer);
      return timer;
    }) as typeof setTimeout);
    const clearSpy = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((timer?: NodeJS.Timeout) => {
      cleared.add(timer);
      realClearTimeout(timer);
    }) as typeof clearTimeout);
    try {
      const subscription = store.subscribeAll().subscribe(() => undefined);
      for (let i = 0; i < 200 && pollTimers.size === 0; i++) await sleep(5);
      expect(pollTimers.size).toBe(1);
      subscription.unsubscribe();
      await sleep(0);
      for (const timer of pollTimers) expect(cleared.has(timer)).toBe(true);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });
});
