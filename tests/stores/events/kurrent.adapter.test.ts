import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Subscription } from 'rxjs';
import {
  EventStoreUnavailableError,
  NotLeaderError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../../../src/stores/events/errors.js';
import { createKurrentEventStore } from '../../../src/stores/events/kurrent/index.js';
import type { KurrentEventStoreOptions } from '../../../src/stores/events/kurrent/index.js';
import type { EventStore, NewEvent, RecordedEvent } from '../../../src/stores/events/port.js';
import { startKurrentFake } from '../../support/kurrentFake/index.js';
import type { KurrentFake } from '../../support/kurrentFake/index.js';

let fake: KurrentFake;
const stores: EventStore[] = [];

beforeAll(async () => {
  fake = await startKurrentFake();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  await fake.stop();
});

function openStore(options: Partial<KurrentEventStoreOptions> = {}): EventStore {
  const store = createKurrentEventStore({
    connectionString: fake.url,
    resubscribe: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  stores.push(store);
  return store;
}

const event = (type: string): NewEvent => ({ type, data: { type }, metadata: { actor: 'tester', correlationId: randomUUID() } });
const events = (...types: string[]) => types.map(event);
const uniquePrefix = () => `k${randomUUID().slice(0, 8)}-`;

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function record(store: EventStore, prefix: string, fromPosition?: bigint) {
  const received: RecordedEvent[] = [];
  const errors: unknown[] = [];
  const subscription: Subscription = store
    .subscribeAll({ filter: { streamPrefixes: [prefix] }, ...(fromPosition === undefined ? {} : { fromPosition }) })
    .subscribe({ next: (e) => received.push(e), error: (e: unknown) => errors.push(e) });
  return { received, errors, subscription };
}

describe('kurrent adapter: error mapping', () => {
  it('maps a wrong expected version to the port error with expected and actual', async () => {
    const store = openStore();
    const stream = `wev-${randomUUID()}`;
    await store.append(stream, events('A', 'B'), 'no_stream');
    const error = await store.append(stream, events('C'), 0n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream, expected: 0n, actual: 1n });
  });

  it('maps a missing stream to StreamNotFoundError', async () => {
    const stream = `missing-${randomUUID()}`;
    await expect(openStore().readStream(stream)).rejects.toEqual(new StreamNotFoundError(stream));
  });

  it('maps not-leader on appends and reads to NotLeaderError, then reconnects to the named leader', async () => {
    const store = openStore();
    const stream = `leader-${randomUUID()}`;
    fake.injectFault('append', 'not-leader');
    await expect(store.append(stream, events('A'), 'any')).rejects.toBeInstanceOf(NotLeaderError);
    await store.append(stream, events('A'), 'any');
    fake.injectFault('read', 'not-leader');
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(NotLeaderError);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('maps unavailable on appends and reads to EventStoreUnavailableError', async () => {
    const store = openStore();
    const stream = `unavailable-${randomUUID()}`;
    fake.injectFault('append', 'unavailable');
    await expect(store.append(stream, events('A'), 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await store.append(stream, events('A'), 'any');
    fake.injectFault('read', 'unavailable');
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('reports an unreachable server as unavailable, for ping, appends and reads', async () => {
    const gone = await startKurrentFake();
    await gone.stop();
    const store = openStore({ connectionString: gone.url });
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.append('s', events('A'), 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readStream('s')).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

describe('kurrent adapter: connection strings', () => {
  it('accepts the legacy esdb:// scheme without the client deprecation warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const store = openStore({ connectionString: fake.url.replace(/^kurrentdb:/, 'esdb:') });
      const stream = `esdb-${randomUUID()}`;
      await store.append(stream, events('A'), 'no_stream');
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('kurrent adapter: subscription resilience', () => {
  it('resubscribes after dropped connections from the last emitted event, with no gap or duplicate', async () => {
    const store = openStore();
    const prefix = uniquePrefix();
    await store.append(`${prefix}a`, events('E0', 'E1', 'E2'), 'no_stream');
    const startsBefore = fake.subscriptionStarts().length;
    const { received, errors, subscription } = record(store, prefix);
    try {
      await until(() => received.length === 3, 'catch-up');
      for (let round = 1; round <= 3; round++) {
        const lastBeforeDrop = received[received.length - 1]!.position;
        fake.dropSubscriptions();
        // Written while the subscription is down: it must be caught up, once.
        await store.append(`${prefix}b${round}`, events(`D${round}a`, `D${round}b`), 'no_stream');
        await until(() => received.length === 3 + round * 3 - 1, `events written while dropped (round ${round})`);
        await until(() => fake.openSubscriptions() === 1, 'the new subscription');
        const starts = fake.subscriptionStarts().slice(startsBefore);
        expect(starts[starts.length - 1]).toBe(lastBeforeDrop);
        await store.append(`${prefix}a`, events(`L${round}`), BigInt(1 + round));
        await until(() => received.length === 3 + round * 3, `live event (round ${round})`);
      }
      expect(received.map((e) => e.type)).toEqual([
        'E0', 'E1', 'E2',
        'D1a', 'D1b', 'L1',
        'D2a', 'D2b', 'L2',
        'D3a', 'D3b', 'L3',
      ]);
      const positions = received.map((e) => e.position);
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
      expect(errors).toEqual([]);
      expect(fake.subscriptionStarts().length - startsBefore).toBe(4);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('resumes past filtered-out events once a server checkpoint covers them', async () => {
    const store = openStore();
    const prefix = uniquePrefix();
    const start = await store.headPosition();
    const first = await store.append(`${prefix}mine`, events('Mine1'), 'no_stream');
    // 40 events the filter skips: the fake sends a checkpoint after every 32 scanned events.
    const noise = await store.append(`noise-${randomUUID()}`, Array.from({ length: 40 }, () => event('Noise')), 'no_stream');
    const startsBefore = fake.subscriptionStarts().length;
    const { received, errors, subscription } = record(store, prefix, start);
    try {
      await until(() => received.length === 1, 'catch-up');
      await sleep(50);
      fake.dropSubscriptions();
      await until(() => fake.subscriptionStarts().length === startsBefore + 2, 'the resubscription');
      const resumedFrom = fake.subscriptionStarts()[startsBefore + 1];
      expect(typeof resumedFrom).toBe('bigint');
      expect(resumedFrom as bigint).toBeGreaterThan(first.position);
      expect(resumedFrom as bigint).toBeLessThan(noise.position);
      await store.append(`${prefix}mine`, events('Mine2'), 0n);
      await until(() => received.length === 2, 'the live event');
      expect(received.map((e) => e.type)).toEqual(['Mine1', 'Mine2']);
      expect(errors).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('closes its open subscriptions on close()', async () => {
    const store = openStore();
    const prefix = uniquePrefix();
    // Earlier tests' subscriptions end on the server shortly after they unsubscribe.
    await until(() => fake.openSubscriptions() === 0, 'earlier subscriptions to end');
    const { received, subscription } = record(store, prefix);
    await store.append(`${prefix}s`, events('One'), 'no_stream');
    await until(() => received.length === 1, 'the event');
    expect(fake.openSubscriptions()).toBe(1);
    await store.close();
    await until(() => fake.openSubscriptions() === 0, 'the server to see the subscription end');
    subscription.unsubscribe();
  });
});
