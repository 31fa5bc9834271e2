import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createSqliteReadStore } from '../../src/stores/documents/sqlite/index.js';
import type { EventStore } from '../../src/stores/events/port.js';
import type { ReadStore } from '../../src/stores/documents/port.js';
import { reject } from '../../src/domain/shared/decider.js';
import type { AggregateDefinition, SnapshotDoc } from '../../src/commands/aggregateStore.js';
import { createAggregateStore } from '../../src/commands/aggregateStore.js';
import type { Handler } from '../../src/commands/streamCommandQueue.js';
import { createStreamCommandQueue } from '../../src/commands/streamCommandQueue.js';
import { pollUntil } from '../support/fileWatch.js';
import { holdAppends } from '../support/heldAppends.js';
import { makeTempDir } from '../support/tempDir.js';

interface Counter {
  total: number;
  adds: number;
}
type CounterEvent = { type: 'Added'; data: { n: number } };

const counter: AggregateDefinition<Counter, CounterEvent> = {
  initialState: () => ({ total: 0, adds: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.n, adds: state.adds + 1 }),
};

const add =
  (n: number, ids?: string[]): Handler<Counter, CounterEvent, number> =>
  (state) =>
    n < 0
      ? reject('negative', `cannot add ${n}`)
      : { events: [{ type: 'Added', data: { n } }], reply: state.total + n, ...(ids ? { eventIds: ids } : {}) };

const context = { actor: 'test', correlationId: 'c' };

describe('stream command queue', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;
  let readStore: ReadStore;

  beforeEach(() => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    readStore = createSqliteReadStore({ path: path.join(temp.dir, 'read.sqlite') });
  });
  afterEach(async () => {
    await eventStore.close();
    await readStore.close();
    temp.remove();
  });

  const queueOver = (definition: AggregateDefinition<Counter, CounterEvent> = counter) => {
    const snapshots = readStore.collection<SnapshotDoc>('snapshots', { indexes: [] });
    const aggregates = createAggregateStore({ eventStore, definition, snapshots, maxCached: 2 });
    return { aggregates, queue: createStreamCommandQueue({ eventStore, aggregates, evolve: definition.evolve }), snapshots };
  };

  it('serialises the commands of one stream and appends those that waited together in one append', async () => {
    const { queue } = queueOver();
    let appends = 0;
    const append = eventStore.append.bind(eventStore);
    eventStore.append = (...args) => ((appends += 1), append(...args));
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.submit('counter-1', add(i + 1), context)));
    const replies = outcomes.map((outcome) => (outcome.kind === 'accepted' ? outcome.reply : -1));
    // Each command saw the state left by the ones before it.
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => ((i + 1) * (i + 2)) / 2));
    expect(appends).toBe(1);
    const events = await eventStore.readStream('counter-1');
    expect(events).toHaveLength(50);
    const last = outcomes.at(-1);
    expect(last?.kind === 'accepted' ? last.position : null).toBe(events.at(-1)?.position);
  });

  describe('appends in flight', () => {
    const total = async (stream: string) =>
      (await eventStore.readStream(stream)).reduce((sum, event) => sum + (event.data as { n: number }).n, 0);

    it('decides the next command while the append before it is in flight, and appends it once that one is stored', async () => {
      const { queue } = queueOver();
      const held = holdAppends(eventStore);
      const first = queue.submit('pipe-1', add(1), context);
      await pollUntil(() => held.length === 1);
      let decidedOn: number | undefined;
      const second = queue.submit('pipe-1', (state) => ((decidedOn = state.total), add(2)(state)), context);
      await pollUntil(() => decidedOn !== undefined);
      // Decided on the state the first append will leave, and held back until it is stored.
      expect(decidedOn).toBe(1);
      expect(held).toHaveLength(1);
      held[0]?.release();
      await pollUntil(() => held.length === 2);
      held[1]?.release();
      expect(await first).toMatchObject({ kind: 'accepted', reply: 1 });
      expect(await second).toMatchObject({ kind: 'accepted', reply: 3 });
      expect((await eventStore.readStream('pipe-1')).map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('decides again, in order and on the stored state, what was decided on an append refused because another writer moved the stream', async () => {
      const { queue, aggregates } = queueOver();
      await queue.submit('pipe-2', add(1), context);
      const held = holdAppends(eventStore);
      const first = queue.submit('pipe-2', add(10), context);
      await pollUntil(() => held.length === 1);
      let decisions = 0;
      const second = queue.submit('pipe-2', (state) => ((decisions += 1), add(100)(state)), context);
      await pollUntil(() => decisions === 1);
      // Another writer appends first: the append in flight names a revision the stream has left.
      const other = queueOver().queue.submit('pipe-2', add(1000), context);
      await pollUntil(() => held.length === 2);
      held[1]?.release();
      expect(await other).toMatchObject({ kind: 'accepted', reply: 1001 });
      held[0]?.release();
      // Both are decided again together, in their order, on the stored state.
      await pollUntil(() => held.length === 3);
      held[2]?.release();
      expect(await first).toMatchObject({ kind: 'accepted', reply: 1011 });
      expect(await second).toMatchObject({ kind: 'accepted', reply: 1111 });
      expect(decisions).toBe(2);
      expect(await total('pipe-2')).toBe(1111);
      expect((await aggregates.load('pipe-2')).state.total).toBe(1111);
    });

    it('fails only the command whose append failed; a decision made on top of it, even a rejection, is made again without it', async () => {
      const { queue, aggregates } = queueOver();
      const held = holdAppends(eventStore);
      const first = queue.submit('pipe-3', add(10), context);
      await pollUntil(() => held.length === 1);
      const seen: number[] = [];
      const upTo9 = (state: Counter) => {
        seen.push(state.total);
        return state.total >= 10 ? reject('full', 'no room') : add(100)(state);
      };
      const second = queue.submit('pipe-3', upTo9, context);
      await pollUntil(() => seen.length === 1);
      held[0]?.release(new Error('disk full'));
      await expect(first).rejects.toThrow('disk full');
      await pollUntil(() => held.length === 2);
      held[1]?.release();
      expect(await second).toMatchObject({ kind: 'accepted', reply: 100 });
      expect(seen).toEqual([10, 0]);
      expect(await total('pipe-3')).toBe(100);
      expect((await aggregates.load('pipe-3')).state.total).toBe(100);
    });
  });

  it('answers a rejection without failing the commands grouped with it', async () => {
    const { queue } = queueOver();
    const [a, b, c] = await Promise.all([
      queue.submit('counter-2', add(1), context),
      queue.submit('counter-2', add(-1), context),
      queue.submit('counter-2', add(2), context),
    ]);
    expect(a).toMatchObject({ kind: 'accepted', reply: 1 });
    expect(b).toMatchObject({ kind: 'rejection', code: 'negative', message: 'cannot add -1' });
    expect(c).toMatchObject({ kind: 'accepted', reply: 3 });
    expect(await eventStore.readStream('counter-2')).toHaveLength(2);
  });

  it('retries on a fresh state when another writer moved the stream', async () => {
    const first = queueOver();
    const second = queueOver();
    await first.queue.submit('counter-3', add(1), context);
    await second.queue.submit('counter-3', add(10), context);
    // `first` still caches total 1; its append conflicts, it reloads and decides again.
    const outcome = await first.queue.submit('counter-3', add(100), context);
    expect(outcome).toMatchObject({ kind: 'accepted', reply: 111 });
  });

  it('does not count twice what the store recognised as a retried append', async () => {
    const { queue, aggregates } = queueOver();
    const id = randomUUID();
    await queue.submit('counter-4', add(5, [id]), context);
    aggregates.forget('counter-4');
    await queue.submit('counter-4', add(7), context);
    // The same event id again: the store keeps one copy, so the state must come from the log.
    await queue.submit('counter-4', add(5, [id]), context).catch(() => undefined);
    const loaded = await aggregates.load('counter-4');
    const events = await eventStore.readStream('counter-4');
    expect(loaded.state.total).toBe(events.reduce((sum, event) => sum + (event.data as { n: number }).n, 0));
  });

  it('snapshots long streams and rebuilds from the snapshot plus the events after it', async () => {
    const withSnapshots: AggregateDefinition<Counter, CounterEvent> = {
      ...counter,
      snapshot: { version: 1, every: 10, serialize: (state) => state, deserialize: (value) => value as Counter },
    };
    const { queue, snapshots } = queueOver(withSnapshots);
    for (let i = 1; i <= 25; i += 1) await queue.submit('counter-5', add(i), context);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const snapshot = await snapshots.get('counter-5');
    expect(snapshot).toMatchObject({ version: 1 });
    expect(Number(snapshot?.revision)).toBeGreaterThanOrEqual(9);

    let readFrom: bigint | undefined;
    const read = eventStore.readStream.bind(eventStore);
    eventStore.readStream = (stream, opts) => ((readFrom ??= opts?.fromRevision), read(stream, opts));
    const fresh = createAggregateStore({ eventStore, definition: withSnapshots, snapshots });
    const loaded = await fresh.load('counter-5');
    expect(loaded.state).toEqual({ total: (25 * 26) / 2, adds: 25 });
    expect(loaded.revision).toBe(24n);
    expect(readFrom).toBe(BigInt(snapshot!.revision) + 1n);

    // A snapshot of another version is ignored: the state is rebuilt from the events.
    const bumped = createAggregateStore({
      eventStore,
      definition: { ...withSnapshots, snapshot: { ...withSnapshots.snapshot!, version: 2 } },
      snapshots,
    });
    expect((await bumped.load('counter-5')).state).toEqual({ total: 325, adds: 25 });
  });

  it('keeps at most maxCached aggregates in memory, least recently used first out', async () => {
    const { queue, aggregates } = queueOver();
    await queue.submit('counter-a', add(1), context);
    await queue.submit('counter-b', add(1), context);
    await aggregates.load('counter-a');
    await queue.submit('counter-c', add(1), context);
    expect(aggregates.cached()).toBe(2);
    let reads = 0;
    const read = eventStore.readStream.bind(eventStore);
    eventStore.readStream = (...args) => ((reads += 1), read(...args));
    await aggregates.load('counter-a');
    expect(reads).toBe(0);
    await aggregates.load('counter-b');
    expect(reads).toBe(1);
  });
});
