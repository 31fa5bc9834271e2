import { randomUUID } from 'node:crypto';
import { NEVER } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from '../../src/stores/events/port.js';
import type { Doc, ReadStore } from '../../src/stores/documents/port.js';
import type { Projection } from '../../src/projections/projection.js';
import { checkpointIdOf } from '../../src/projections/projection.js';
import { createProjectionEngine } from '../../src/projections/engine.js';
import { createProjectionRunner } from '../../src/projections/runner.js';
import { ALIAS_TTL_MS, createReadModels } from '../../src/projections/readModels.js';
import { silentLogger } from '../../src/logger.js';

export interface EngineFixture {
  eventStore: EventStore;
  readStore: ReadStore;
  cleanup: () => Promise<void>;
}

interface Tally extends Doc {
  count: number;
  sum: number;
  doubled?: number;
}

/** Sums the `n` of `Added` events per stream; v2 also keeps twice the sum, so a rebuild is visible. */
const tallyProjection = (collection: string, version: 1 | 2, options: { failOn?: number } = {}): Projection => ({
  name: `tally-${collection}`,
  version,
  collections: { [collection]: { indexes: ['count', 'sum'] } },
  eventTypes: ['Added', 'Removed'],
  keys: (event) => [{ collection, id: event.streamId }],
  project: (event, current) => {
    const n = (event.data as { n: number }).n;
    if (n === options.failOn) throw new Error(`cannot project ${n}`);
    if (event.type === 'Removed') return [{ collection, id: event.streamId, doc: null }];
    const previous = current(collection, event.streamId) as Tally | null;
    const sum = (previous?.sum ?? 0) + n;
    const doc: Tally = { _id: event.streamId, count: (previous?.count ?? 0) + 1, sum };
    if (version === 2) doc.doubled = sum * 2;
    return [{ collection, id: event.streamId, doc }];
  },
});

const added = (n: number): NewEvent => ({
  type: 'Added',
  data: { n },
  metadata: { actor: 'test', correlationId: randomUUID() },
});

const withoutPosition = (docs: readonly Doc[]): Doc[] =>
  [...docs].sort((a, b) => a._id.localeCompare(b._id)).map(({ _position: _p, ...rest }) => rest as Doc);

const waitUntil = async (predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

export const describeProjectionEngineContract = (adapterName: string, setup: () => Promise<EngineFixture>): void => {
  describe(`projection engine on ${adapterName}`, () => {
    let fixture: EngineFixture;
    let collection: string;
    let prefix: string;

    beforeEach(async () => {
      fixture = await setup();
      const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
      collection = `tally${suffix}`;
      prefix = `t${suffix}-`;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const appendMany = async (streams: number, perStream: number): Promise<bigint> => {
      let last = 0n;
      for (let round = 0; round < perStream; round += 1) {
        const results = await Promise.all(
          Array.from({ length: streams }, (_, s) => fixture.eventStore.append(`${prefix}${s}`, [added(round + 1)], 'any')),
        );
        for (const result of results) if (result.position > last) last = result.position;
      }
      return last;
    };

    const expectedSum = (perStream: number): number => (perStream * (perStream + 1)) / 2;

    /** An engine running `projection` in this process over the fixture's stores. */
    const engineFor = (projection: Projection, options: { batchSize?: number; batchDelayMs?: number }) =>
      createProjectionEngine({
        eventStore: fixture.eventStore,
        readStore: fixture.readStore,
        projections: [projection],
        logger: silentLogger,
        runProjections: true,
        ...options,
      });

    it('projects every event, reports lag and gives read-your-writes with waitFor', async () => {
      const projection = tallyProjection(collection, 1);
      const engine = engineFor(projection, { batchSize: 50 });
      await appendMany(5, 10);
      await engine.start();
      const last = await appendMany(5, 10);
      expect(await engine.waitFor(last, 10_000)).toBe(true);
      const docs = await createReadModels(fixture.readStore, [projection]).collection<Tally>(collection).find({
        sort: { field: '_id', order: 'asc' },
      });
      expect(docs).toHaveLength(5);
      for (const doc of docs) expect({ count: doc.count, sum: doc.sum }).toEqual({ count: 20, sum: 2 * expectedSum(10) });
      const [status] = await engine.statuses();
      expect(status?.lag).toBe('0');
      expect(status?.state).toBe('running');
      expect(await engine.waitFor(last + 1_000_000n, 50)).toBe(false);
      await engine.stop();
    });

    it('gathers events that arrive one by one into few batches when given a batch delay, and applies a full batch at once', async () => {
      const projection = tallyProjection(collection, 1);
      let batches = 0;
      const counting: ReadStore = {
        ...fixture.readStore,
        commitProjectionBatch: (batch) => {
          batches += 1;
          return fixture.readStore.commitProjectionBatch(batch);
        },
      };
      const gathering = createProjectionRunner({ ...fixture, readStore: counting, projection, batchDelayMs: 150 });
      await gathering.start();
      let last = 0n;
      for (let n = 1; n <= 30; n += 1) last = (await fixture.eventStore.append(`${prefix}a`, [added(n)], 'any')).position;
      await waitUntil(async () => (gathering.status().checkpoint ?? 0n) >= last);
      await gathering.stop();
      expect(batches).toBeLessThan(15);
      const spec = projection.collections[collection]!;
      expect((await fixture.readStore.collection<Tally>(`${collection}_v1`, spec).get(`${prefix}a`))?.sum).toBe(expectedSum(30));

      // A full batch does not wait for the delay: 10 s here would time the wait below out.
      const full = createProjectionRunner({ ...fixture, projection, batchSize: 5, batchDelayMs: 10_000 });
      await full.start();
      const results = await Promise.all(Array.from({ length: 20 }, (_, n) => fixture.eventStore.append(`${prefix}b`, [added(n + 1)], 'any')));
      const lastFull = results.reduce((max, result) => (result.position > max ? result.position : max), 0n);
      await waitUntil(async () => (full.status().checkpoint ?? 0n) >= lastFull - 4n, 5_000);
      await full.stop();
    });

    it('does not let a small batch linger once someone waits for it (read-your-writes)', async () => {
      const projection = tallyProjection(collection, 1);
      // Ten seconds of batch delay: without the hurry, every wait below would time out.
      const runner = createProjectionRunner({ ...fixture, projection, batchDelayMs: 10_000 });
      await runner.start();
      const lingering = (await fixture.eventStore.append(`${prefix}a`, [added(1)], 'any')).position;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runner.status().checkpoint ?? 0n).toBeLessThan(lingering);
      runner.hurry(lingering);
      await waitUntil(async () => (runner.status().checkpoint ?? 0n) >= lingering, 5_000);

      // Asked before the event arrives: it is applied as soon as it does.
      runner.hurry(lingering + 1n);
      const next = (await fixture.eventStore.append(`${prefix}a`, [added(2)], 'any')).position;
      await waitUntil(async () => (runner.status().checkpoint ?? 0n) >= next, 5_000);
      await runner.stop();

      const engine = engineFor(projection, { batchDelayMs: 10_000 });
      await engine.start();
      const viaEngine = (await fixture.eventStore.append(`${prefix}a`, [added(3)], 'any')).position;
      expect(await engine.waitFor(viaEngine, 5_000)).toBe(true);
      await engine.stop();
      const spec = projection.collections[collection]!;
      expect((await fixture.readStore.collection<Tally>(`${collection}_v1`, spec).get(`${prefix}a`))?.sum).toBe(expectedSum(3));
    });

    it('keeps projecting while appends race it, and resumes from its checkpoint after a restart', async () => {
      const projection = tallyProjection(collection, 1);
      const first = createProjectionRunner({ ...fixture, projection, batchSize: 7 });
      await first.start();
      await appendMany(8, 15);
      await first.stop();
      const second = createProjectionRunner({ ...fixture, projection, batchSize: 7 });
      await second.start();
      const last = await appendMany(8, 15);
      await waitUntil(async () => (second.status().checkpoint ?? 0n) >= last);
      await second.stop();
      const docs = await fixture.readStore.collection<Tally>(`${collection}_v1`, projection.collections[collection]!).find();
      expect(docs).toHaveLength(8);
      for (const doc of docs) expect(doc.count).toBe(30);
    });

    it('replaying batches twice yields identical documents', async () => {
      const projection = tallyProjection(collection, 1);
      const spec = projection.collections[collection]!;
      await appendMany(6, 12);
      await fixture.eventStore.append(`${prefix}0`, [{ ...added(0), type: 'Removed' }], 'any');
      const last = await appendMany(2, 1);
      const runOnce = async (): Promise<Doc[]> => {
        const runner = createProjectionRunner({ ...fixture, projection, batchSize: 5 });
        await runner.start();
        await waitUntil(async () => (runner.status().checkpoint ?? 0n) >= last);
        await runner.stop();
        return withoutPosition(await fixture.readStore.collection(`${collection}_v1`, spec).find());
      };
      const once = await runOnce();
      // Forget the checkpoint, as if every batch were written but no checkpoint: all of it replays.
      await fixture.readStore.deleteCheckpoint(checkpointIdOf(projection));
      const twice = await runOnce();
      expect(twice).toEqual(once);
      expect(once.find((doc) => doc._id === `${prefix}0`)).toMatchObject({ count: 1, sum: 1 });
      expect(once.find((doc) => doc._id === `${prefix}3`)).toMatchObject({ count: 12, sum: expectedSum(12) });
    });

    it('rebuilds a bumped version into a fresh collection and switches without a gap in queries', async () => {
      const v1 = tallyProjection(collection, 1);
      const v2 = tallyProjection(collection, 2);
      const runner1 = createProjectionRunner({ ...fixture, projection: v1 });
      await runner1.start();
      const last = await appendMany(10, 30);
      await waitUntil(async () => (runner1.status().checkpoint ?? 0n) >= last);
      await runner1.stop();

      const queries = createReadModels(fixture.readStore, [v2]).collection<Tally>(collection);
      // The grace period outlasts the alias cache of query processes, as the default does.
      const runner2 = createProjectionRunner({ ...fixture, projection: v2, batchSize: 3, dropGraceMs: ALIAS_TTL_MS + 200 });
      await runner2.start();
      expect(runner2.status().serving).toBe(false);
      const seen: Array<'v1' | 'v2'> = [];
      while (!runner2.status().serving) {
        const docs = await queries.find({ sort: { field: '_id', order: 'asc' } });
        // During the rebuild queries still see the complete old version, never a half-built one.
        expect(docs).toHaveLength(10);
        seen.push(docs.every((doc) => doc.doubled === undefined) ? 'v1' : 'v2');
        expect(seen.at(-1)).toBe('v1');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitUntil(async () => {
        const docs = await queries.find();

        return docs.length === 10 && docs.every((doc) => doc.doubled === 2 * expectedSum(30));
      });
      await waitUntil(async () => !(await fixture.readStore.listCollections()).includes(`${collection}_v1`));
      expect(await fixture.readStore.getAlias(collection)).toBe(`${collection}_v2`);
      expect(await fixture.readStore.getCheckpoint(checkpointIdOf(v1))).toBeNull();
      await runner2.stop();
    });

    it('retries a batch the read store refuses, reports the retry and since when it is behind, and resumes once accepted', async () => {
      const projection = tallyProjection(collection, 1);
      let refuse = true;
      const readStore = new Proxy(fixture.readStore, {
        get: (target, property, receiver) =>
          property === 'commitProjectionBatch' && refuse
            ? () => Promise.reject(new Error('read store refused the batch'))
            : (Reflect.get(target, property, receiver) as unknown),
      });
      const runner = createProjectionRunner({ ...fixture, readStore, projection, maxRetryDelayMs: 50 });
      await runner.start();
      expect(runner.status().behindSince).toBeUndefined();
      const before = Date.now();
      await fixture.eventStore.append(`${prefix}a`, [added(1), added(2)], 'any');
      await waitUntil(async () => (runner.status().retry?.attempts ?? 0) >= 3);
      const stuck = runner.status();
      expect(stuck.state).toBe('running');
      expect(stuck.retry).toMatchObject({ error: 'read store refused the batch' });
      expect(stuck.retry!.since).toBeGreaterThanOrEqual(before);
      expect(stuck.behindSince).toBeGreaterThanOrEqual(before);
      expect(stuck.behindSince).toBeLessThanOrEqual(stuck.retry!.since);
      expect(stuck.checkpoint).toBeNull();

      refuse = false;
      // Once nothing waits any more, it is no longer behind.
      await waitUntil(async () => runner.status().checkpoint !== null && runner.status().behindSince === undefined);
      expect(runner.status().retry).toBeUndefined();
      const doc = await fixture.readStore.collection<Tally>(`${collection}_v1`, projection.collections[collection]!).get(`${prefix}a`);
      expect({ count: doc?.count, sum: doc?.sum }).toEqual({ count: 2, sum: 3 });
      await runner.stop();
    });

    it('reports since when a projection run elsewhere has been behind, from the statuses asked', async () => {
      const projection = tallyProjection(collection, 1);
      let clock = 1_000_000;
      const observer = createProjectionEngine({
        eventStore: fixture.eventStore,
        readStore: fixture.readStore,
        projections: [projection],
        logger: silentLogger,
        runProjections: false,
        now: () => clock,
      });
      const last = await appendMany(1, 2);
      const [first] = await observer.statuses();
      expect(first?.state).toBe('remote');
      expect(first?.behindSince).toBe(new Date(1_000_000).toISOString());
      clock += 90_000;
      // The checkpoint has not moved: still behind since the first sighting.
      expect((await observer.statuses())[0]?.behindSince).toBe(new Date(1_000_000).toISOString());

      const runner = createProjectionRunner({ ...fixture, projection });
      await runner.start();
      await waitUntil(async () => (runner.status().checkpoint ?? 0n) >= last && (await observer.statuses())[0]?.lag === '0');
      expect((await observer.statuses())[0]?.behindSince).toBeUndefined();
      await runner.stop();
      await fixture.eventStore.append(`${prefix}0`, [added(3)], 'any');
      clock += 1_000;
      // Behind again, counted from this sighting rather than the earlier one.
      expect((await observer.statuses())[0]?.behindSince).toBe(new Date(1_091_000).toISOString());
    });

    it('counts a runner whose subscription delivers nothing as behind, from the checkpoint standing still', async () => {
      const projection = tallyProjection(collection, 1);
      let clock = 5_000_000;
      const eventStore = new Proxy(fixture.eventStore, {
        get: (target, property, receiver) =>
          property === 'subscribeAll' ? () => NEVER : (Reflect.get(target, property, receiver) as unknown),
      });
      const engine = createProjectionEngine({
        eventStore,
        readStore: fixture.readStore,
        projections: [projection],
        logger: silentLogger,
        runProjections: true,
        now: () => clock,
      });
      await engine.start();
      await appendMany(1, 1);
      expect((await engine.statuses())[0]?.behindSince).toBe(new Date(5_000_000).toISOString());
      clock += 120_000;
      const [status] = await engine.statuses();
      expect(status?.state).toBe('running');
      expect(status?.behindSince).toBe(new Date(5_000_000).toISOString());
      await engine.stop();
    });

    it('stops on an event the projection cannot handle instead of skipping it', async () => {
      const projection = tallyProjection(collection, 1, { failOn: 13 });
      const runner = createProjectionRunner({ ...fixture, projection });
      await fixture.eventStore.append(`${prefix}a`, [added(1), added(13), added(2)], 'any');
      const [, poison] = await fixture.eventStore.readStream(`${prefix}a`);
      await runner.start();
      await waitUntil(async () => runner.status().state === 'failed');
      expect(runner.status().error).toContain('cannot project 13');
      // Nothing at or after the poison event was applied; the event before it may have been, in an earlier batch.
      expect(runner.status().checkpoint ?? 0n).toBeLessThan(poison!.position);
      const doc = await fixture.readStore.collection<Tally>(`${collection}_v1`, projection.collections[collection]!).get(`${prefix}a`);
      if (doc !== null) expect({ count: doc.count, sum: doc.sum }).toEqual({ count: 1, sum: 1 });
      await runner.stop();
    });
  });
};
