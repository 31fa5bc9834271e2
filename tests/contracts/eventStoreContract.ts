import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observable, Subscription } from 'rxjs';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/stores/events/port.js';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../src/stores/events/errors.js';

export interface EventStoreFixture {
  store: EventStore;
  cleanup: () => Promise<void>;
}

/**
 * Behaviour every EventStore adapter must show. Uses only the port, and unique stream names per
 * test, so adapters whose state is shared between tests (a real server) pass too. Positions are
 * only assumed to be strictly increasing, never gapless.
 */
export function describeEventStoreContract(adapterName: string, setup: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: EventStoreFixture | undefined;
    const store = (): EventStore => {
      if (!fixture) throw new Error('fixture not set up');
      return fixture.store;
    };

    beforeEach(async () => {
      fixture = await setup();
    });

    afterEach(async () => {
      const current = fixture;
      fixture = undefined;
      await current?.cleanup();
    });

    describe('append', () => {
      it('creates a stream with no_stream and reports the next revision and the position', async () => {
        const stream = uniqueStream('append');
        const result = await store().append(stream, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
        expect(result.nextRevision).toBe(2n);
        expect(typeof result.position).toBe('bigint');
        expect(result.position).toBeGreaterThan(0n);
        const events = await store().readStream(stream);
        expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(events[2]?.position).toBe(result.position);
      });

      it('appends with stream_exists, any and an exact revision', async () => {
        const stream = uniqueStream('append');
        const first = await store().append(stream, [newEvent('A')], 'any');
        expect(first.nextRevision).toBe(0n);
        const second = await store().append(stream, [newEvent('B')], 'stream_exists');
        expect(second.nextRevision).toBe(1n);
        const third = await store().append(stream, [newEvent('C'), newEvent('D')], 1n);
        expect(third.nextRevision).toBe(3n);
        const fourth = await store().append(stream, [newEvent('E')], 'any');
        expect(fourth.nextRevision).toBe(4n);
        expect(second.position).toBeGreaterThan(first.position);
        expect(third.position).toBeGreaterThan(second.position);
        expect(fourth.position).toBeGreaterThan(third.position);
        const events = await store().readStream(stream);
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      });

      it('rejects no_stream on an existing stream with a typed error carrying expected and actual', async () => {
        const stream = uniqueStream('wev');
        await store().append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
        const error = await store().append(stream, [newEvent('C')], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        const wev = error as WrongExpectedVersionError;
        expect(wev.stream).toBe(stream);
        expect(wev.expected).toBe('no_stream');
        expect(wev.actual).toBe(1n);
      });

      it('rejects stream_exists on a missing stream', async () => {
        const stream = uniqueStream('wev');
        const error = await store().append(stream, [newEvent('A')], 'stream_exists').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).expected).toBe('stream_exists');
        expect((error as WrongExpectedVersionError).actual).toBe('no_stream');
        await expect(store().readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('rejects a wrong exact revision and stores nothing', async () => {
        const stream = uniqueStream('wev');
        await store().append(stream, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
        const error = await store().append(stream, [newEvent('X')], 5n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).expected).toBe(5n);
        expect((error as WrongExpectedVersionError).actual).toBe(2n);
        const stale = await store().append(stream, [newEvent('Y')], 1n).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(WrongExpectedVersionError);
        expect((stale as WrongExpectedVersionError).actual).toBe(2n);
        const missing = await store().append(uniqueStream('wev'), [newEvent('Z')], 0n).catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(WrongExpectedVersionError);
        expect((missing as WrongExpectedVersionError).actual).toBe('no_stream');
        const events = await store().readStream(stream);
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('lets exactly one of several racing appenders with the same expected revision win', async () => {
        const stream = uniqueStream('race');
        await store().append(stream, [newEvent('Start')], 'no_stream');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store().append(stream, [newEvent(`Racer${i}`)], 0n)),
        );
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        const losers = outcomes.filter((o) => o.status === 'rejected');
        expect(winners).toHaveLength(1);
        for (const loser of losers) expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
        const events = await store().readStream(stream);
        expect(events).toHaveLength(2);
      });

      it('lets exactly one of several racing stream creators win', async () => {
        const stream = uniqueStream('race');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store().append(stream, [newEvent(`Creator${i}`)], 'no_stream')),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store().readStream(stream)).toHaveLength(1);
      });

      it('assigns a unique id when none is given and keeps the given ones', async () => {
        const stream = uniqueStream('ids');
        const given = randomUUID();
        await store().append(stream, [newEvent('A', { id: given }), { type: 'B', data: {}, metadata: context() }], 'any');
        const events = await store().readStream(stream);
        expect(events[0]?.id).toBe(given);
        expect(events[1]?.id).toMatch(/^[0-9a-f-]{36}$/i);
        expect(events[1]?.id).not.toBe(given);
      });
    });

    describe('retry safety', () => {
      it('answers a retried append with the original result and stores nothing new', async () => {
        const stream = uniqueStream('retry');
        const batch = [newEvent('A', { id: randomUUID() }), newEvent('B', { id: randomUUID() })];
        const original = await store().append(stream, batch, 'no_stream');
        const retried = await store().append(stream, batch, 'no_stream');
        expect(retried).toEqual(original);
        expect(await store().readStream(stream)).toHaveLength(2);
      });

      it('answers a retry whose expected revision became stale as if it succeeded', async () => {
        const stream = uniqueStream('retry');
        await store().append(stream, [newEvent('A', { id: randomUUID() })], 'no_stream');
        const second = [newEvent('B', { id: randomUUID() })];
        const original = await store().append(stream, second, 0n);
        await store().append(stream, [newEvent('C', { id: randomUUID() })], 1n);
        const retried = await store().append(stream, second, 0n);
        expect(retried).toEqual(original);
        const events = await store().readStream(stream);
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('recognises a retry appended with any', async () => {
        const stream = uniqueStream('retry');
        const event = newEvent('A', { id: randomUUID() });
        const original = await store().append(stream, [event], 'any');
        const retried = await store().append(stream, [event], 'any');
        expect(retried).toEqual(original);
        expect(await store().readStream(stream)).toHaveLength(1);
      });
    });

    describe('readStream', () => {
      it('reads forwards and backwards from a revision with maxCount', async () => {
        const stream = uniqueStream('read');
        const types = ['E0', 'E1', 'E2', 'E3', 'E4', 'E5'];
        await store().append(stream, types.map((t) => newEvent(t, { data: { t } })), 'no_stream');

        const all = await store().readStream(stream);
        expect(all.map((e) => e.type)).toEqual(types);
        expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
        expectStrictlyIncreasing(all.map((e) => e.position));
        for (const e of all) {
          expect(e.streamId).toBe(stream);
          expect(e.data).toEqual({ t: e.type });
        }

        const forwards = await store().readStream(stream, { fromRevision: 2n, maxCount: 2 });
        expect(forwards.map((e) => e.revision)).toEqual([2n, 3n]);

        const backwards = await store().readStream(stream, { direction: 'backwards' });
        expect(backwards.map((e) => e.revision)).toEqual([5n, 4n, 3n, 2n, 1n, 0n]);

        const backwardsFrom = await store().readStream(stream, { direction: 'backwards', fromRevision: 3n, maxCount: 2 });
        expect(backwardsFrom.map((e) => e.revision)).toEqual([3n, 2n]);

        const lastOnly = await store().readStream(stream, { direction: 'backwards', maxCount: 1 });
        expect(lastOnly.map((e) => e.revision)).toEqual([5n]);

        expect(await store().readStream(stream, { fromRevision: 6n })).toEqual([]);
      });

      it('throws StreamNotFoundError for a missing stream', async () => {
        const stream = uniqueStream('missing');
        const error = await store().readStream(stream).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect((error as StreamNotFoundError).stream).toBe(stream);
        await expect(store().readStream(stream, { direction: 'backwards' })).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('readAll', () => {
      it('reads after a position (exclusive) with maxCount and a stream-prefix filter', async () => {
        const prefix = uniquePrefix();
        const start = await store().headPosition();
        await store().append(`${prefix}a-1`, [newEvent('A1'), newEvent('A2')], 'no_stream');
        await store().append(`${prefix}b-1`, [newEvent('B1')], 'no_stream');
        await store().append(`${prefix}a-2`, [newEvent('A3')], 'no_stream');

        const ours = await store().readAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } });
        expect(ours.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3']);
        expectStrictlyIncreasing(ours.map((e) => e.position));
        for (const e of ours) expect(e.position).toBeGreaterThan(start);

        const unfiltered = await store().readAll({ fromPosition: start });
        expect(unfiltered.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.type)).toEqual([
          'A1',
          'A2',
          'B1',
          'A3',
        ]);

        const onlyA = await store().readAll({ fromPosition: start, filter: { streamPrefixes: [`${prefix}a-`] } });
        expect(onlyA.map((e) => e.type)).toEqual(['A1', 'A2', 'A3']);

        const twoPrefixes = await store().readAll({
          fromPosition: start,
          filter: { streamPrefixes: [`${prefix}b-`, `${prefix}a-2`] },
        });
        expect(twoPrefixes.map((e) => e.type)).toEqual(['B1', 'A3']);

        const firstTwo = await store().readAll({ fromPosition: start, maxCount: 2, filter: { streamPrefixes: [prefix] } });
        expect(firstTwo.map((e) => e.type)).toEqual(['A1', 'A2']);

        const afterFirst = await store().readAll({ fromPosition: ours[0]!.position, filter: { streamPrefixes: [prefix] } });
        expect(afterFirst.map((e) => e.type)).toEqual(['A2', 'B1', 'A3']);

        const afterLast = await store().readAll({ fromPosition: ours[3]!.position, filter: { streamPrefixes: [prefix] } });
        expect(afterLast).toEqual([]);
      });

      it('reads from the start of the log when no position is given', async () => {
        const prefix = uniquePrefix();
        await store().append(`${prefix}s`, [newEvent('First'), newEvent('Second')], 'no_stream');
        const events = await store().readAll({ filter: { streamPrefixes: [prefix] } });
        expect(events.map((e) => e.type)).toEqual(['First', 'Second']);
      });
    });

    describe('metadata', () => {
      it('stores the context on every event and sets serverTime', async () => {
        const stream = uniqueStream('meta');
        const before = Date.now();
        const full = {
          actor: 'worker:alice-4cores',
          correlationId: randomUUID(),
          causationId: randomUUID(),
          clientIp: '203.0.113.7',
        };
        const minimal = { actor: 'system', correlationId: randomUUID() };
        await store().append(
          stream,
          [
            { type: 'Full', data: { n: 1 }, metadata: full },
            { type: 'Minimal', data: { n: 2 }, metadata: minimal },
          ],
          'no_stream',
        );
        const after = Date.now();
        const [first, second] = await store().readStream(stream);
        expect(first?.metadata).toMatchObject(full);
        expect(second?.metadata).toMatchObject(minimal);
        expect(second?.metadata.causationId).toBeUndefined();
        expect(second?.metadata.clientIp).toBeUndefined();
        for (const e of [first, second]) {
          const serverTime = Date.parse(e?.metadata.serverTime ?? '');
          expect(e?.metadata.serverTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
          expect(serverTime).toBeGreaterThanOrEqual(before - 1000);
          expect(serverTime).toBeLessThanOrEqual(after + 1000);
        }
        const viaAll = await store().readAll({ filter: { streamPrefixes: [stream] } });
        expect(viaAll.map((e) => e.metadata)).toEqual([first?.metadata, second?.metadata]);
      });
    });

    describe('subscribeAll', () => {
      it('catches up from a position, then delivers live events, in order', async () => {
        const prefix = uniquePrefix();
        const start = await store().headPosition();
        await store().append(`${prefix}x`, [newEvent('Old1'), newEvent('Old2')], 'no_stream');
        await store().append(`${prefix}y`, [newEvent('Old3')], 'no_stream');

        const received = collect(
          store().subscribeAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }),
          (events) => events.length >= 6,
        );
        await sleep(20);
        await store().append(`${prefix}x`, [newEvent('New1')], 1n);
        await store().append(`${prefix}z`, [newEvent('New2'), newEvent('New3')], 'no_stream');

        const events = await received.done;
        expect(events.map((e) => e.type)).toEqual(['Old1', 'Old2', 'Old3', 'New1', 'New2', 'New3']);
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(events[3]?.metadata.actor).toBe('tester');
      });

      it('starts strictly after the given position', async () => {
        const prefix = uniquePrefix();
        const first = await store().append(`${prefix}s`, [newEvent('One'), newEvent('Two')], 'no_stream');
        await store().append(`${prefix}s`, [newEvent('Three')], 1n);
        const received = collect(
          store().subscribeAll({ fromPosition: first.position, filter: { streamPrefixes: [prefix] } }),
        );
        await received.until((events) => events.length >= 1);
        await sleep(30);
        received.stop();
        expect(received.events.map((e) => e.type)).toEqual(['Three']);
        expect(received.events[0]?.position).toBeGreaterThan(first.position);
      });

      it('starts at the beginning of the log without a position and filters by prefix', async () => {
        const prefix = uniquePrefix();
        await store().append(`${prefix}keep-1`, [newEvent('Keep1')], 'no_stream');
        await store().append(`${prefix}drop-1`, [newEvent('Drop1')], 'no_stream');
        await store().append(`${prefix}keep-2`, [newEvent('Keep2')], 'no_stream');
        const received = collect(store().subscribeAll({ filter: { streamPrefixes: [`${prefix}keep-`] } }), (events) =>
          events.some((e) => e.type === 'Keep3'),
        );
        await store().append(`${prefix}drop-1`, [newEvent('Drop2')], 0n);
        await store().append(`${prefix}keep-1`, [newEvent('Keep3')], 0n);
        const events = await received.done;
        expect(events.map((e) => e.type)).toEqual(['Keep1', 'Keep2', 'Keep3']);
      });

      it('sees every event after its start exactly once while many appenders race the catch-up', async () => {
        const prefix = uniquePrefix();
        const appenders = 20;
        const eventsPerAppender = 25;
        const total = appenders * eventsPerAppender;
        const acknowledged: bigint[] = [];
        let startSubscription: () => void = () => undefined;
        const halfWay = new Promise<void>((resolve) => {
          startSubscription = resolve;
        });

        const appending = Promise.all(
          Array.from({ length: appenders }, async (_, a) => {
            const stream = `${prefix}${a}`;
            for (let i = 0; i < eventsPerAppender; i++) {
              const expected = i === 0 ? ('no_stream' as const) : BigInt(i - 1);
              const result = await store().append(stream, [newEvent('Raced', { data: { a, i } })], expected);
              acknowledged.push(result.position);
              if (acknowledged.length === Math.floor(total / 3)) startSubscription();
            }
          }),
        );

        await halfWay;
        const start = await store().headPosition();
        const received = collect(store().subscribeAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }));
        await appending;
        const expectedPositions = acknowledged.filter((p) => p > start).sort(compareBigint);
        expect(expectedPositions.length).toBeGreaterThan(0);
        expect(expectedPositions.length).toBeLessThan(total);
        const last = expectedPositions[expectedPositions.length - 1];
        await received.until((events) => events.some((e) => e.position === last));
        await sleep(30);
        received.stop();

        const positions = received.events.map((e) => e.position);
        expectStrictlyIncreasing(positions);
        expect(positions).toEqual(expectedPositions);
        const perStream = new Map<string, bigint[]>();
        for (const e of received.events) perStream.set(e.streamId, [...(perStream.get(e.streamId) ?? []), e.revision]);
        for (const revisions of perStream.values()) {
          for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBe(revisions[i - 1]! + 1n);
        }
      });

      it('awaits the ready hook before reading', async () => {
        const prefix = uniquePrefix();
        await store().append(`${prefix}s`, [newEvent('One'), newEvent('Two')], 'no_stream');
        let readyCalls = 0;
        let open: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          open = resolve;
        });
        const received = collect(
          store().subscribeAll({
            filter: { streamPrefixes: [prefix] },
            ready: async () => {
              readyCalls++;
              await gate;
            },
          }),
          (events) => events.length >= 3,
        );
        await sleep(50);
        expect(readyCalls).toBeGreaterThanOrEqual(1);
        expect(received.events).toEqual([]);
        open();
        await received.until((events) => events.length >= 2);
        await store().append(`${prefix}s`, [newEvent('Three')], 1n);
        const events = await received.done;
        expect(events.map((e) => e.type)).toEqual(['One', 'Two', 'Three']);
      });

      it('stops delivering after unsubscribe', async () => {
        const prefix = uniquePrefix();
        await store().append(`${prefix}s`, [newEvent('One')], 'no_stream');
        const received = collect(store().subscribeAll({ filter: { streamPrefixes: [prefix] } }));
        await received.until((events) => events.length >= 1);
        received.stop();
        await store().append(`${prefix}s`, [newEvent('Two')], 0n);
        await sleep(80);
        expect(received.events.map((e) => e.type)).toEqual(['One']);
      });
    });

    describe('headPosition and ping', () => {
      it('reports the position of the last event', async () => {
        const stream = uniqueStream('head');
        const before = await store().headPosition();
        expect(typeof before).toBe('bigint');
        const result = await store().append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
        const after = await store().headPosition();
        expect(after).toBeGreaterThanOrEqual(result.position);
        expect(after).toBeGreaterThan(before);
      });

      it('answers ping', async () => {
        await expect(store().ping()).resolves.toBeUndefined();
      });
    });
  });
}

function uniquePrefix(): string {
  return `c${randomUUID().slice(0, 8)}_`;
}

function uniqueStream(kind: string): string {
  return `${kind}-${randomUUID().slice(0, 12)}`;
}

function context(): NewEvent['metadata'] {
  return { actor: 'tester', correlationId: randomUUID() };
}

function newEvent(type: string, options: { id?: string; data?: unknown } = {}): NewEvent {
  return {
    ...(options.id === undefined ? {} : { id: options.id }),
    type,
    data: options.data ?? { type },
    metadata: context(),
  };
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
}

const COLLECT_TIMEOUT_MS = 10_000;

type EventsPredicate = (events: readonly RecordedEvent[]) => boolean;

interface Collector {
  events: RecordedEvent[];
  /** Resolves with the events once the predicate given to collect() holds, then unsubscribes. */
  done: Promise<RecordedEvent[]>;
  /** Resolves once the predicate holds; fails on a subscription error or after COLLECT_TIMEOUT_MS. */
  until: (predicate: EventsPredicate) => Promise<void>;
  stop: () => void;
}

/** Subscribes at once and records every event. */
function collect(source: Observable<RecordedEvent>, finished?: EventsPredicate): Collector {
  const events: RecordedEvent[] = [];
  interface Waiter {
    predicate: EventsPredicate;
    resolve: () => void;
    reject: (error: unknown) => void;
    timer: ReturnType<typeof setTimeout>;
  }
  const waiters = new Set<Waiter>();
  let failure: { error: unknown } | undefined;
  const settle = (waiter: Waiter): void => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
  };
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(events)) {
        settle(waiter);
        waiter.resolve();
      }
    }
  };
  const subscription: Subscription = source.subscribe({
    next: (event) => {
      events.push(event);
      check();
    },
    error: (error: unknown) => {
      failure = { error };
      for (const waiter of [...waiters]) {
        settle(waiter);
        waiter.reject(error);
      }
    },
  });
  const until = (predicate: EventsPredicate): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure.error);
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          settle(waiter);
          reject(new Error(`subscription did not deliver in time; got ${events.length} events`));
        }, COLLECT_TIMEOUT_MS),
      };
      waiters.add(waiter);
      check();
    });
  const stop = (): void => {
    subscription.unsubscribe();
    for (const waiter of [...waiters]) settle(waiter);
  };
  const done = finished
    ? until(finished).then(
        () => {
          stop();
          return events;
        },
        (error: unknown) => {
          stop();
          throw error;
        },
      )
    : new Promise<RecordedEvent[]>(() => undefined);
  // A collector whose `done` nobody awaits must not raise an unhandled rejection.
  done.catch(() => undefined);
  return { events, done, until, stop };
}
