/**
 * The MongoDB adapter has no transactions: a crash can land a batch's document writes without
 * its checkpoint. These tests crash batches at that point (the changes are written, or only some
 * of them, and the checkpoint is skipped), replay from the stored checkpoint the way the
 * projection runner does, and check that readers only ever see true states and that the end
 * result is identical to a run without crashes.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CollectionSpec, Doc, GuardedChange, ReadStore } from '../../../src/stores/documents/port.js';
import { CheckpointConflictError } from '../../../src/stores/documents/errors.js';
import { createMongoReadStore } from '../../../src/stores/documents/mongo/index.js';
import { applyGuardedChanges, compareAndSetCheckpoint } from '../../../src/stores/documents/mongo/guardedWrites.js';
import { describeWithMongo } from '../../support/ferretdb.js';

interface TallyEvent {
  position: number;
  id: string;
  kind: 'add' | 'remove';
  n: number;
}

interface Tally extends Doc {
  count: number;
  sum: number;
}

const spec: CollectionSpec = { indexes: ['count', 'sum'] };

/** The projection: a running count and sum per id; `remove` deletes the document. */
const evolve = (current: Tally | null, event: TallyEvent): Tally | null =>
  event.kind === 'remove'
    ? null
    : { _id: event.id, count: (current?.count ?? 0) + 1, sum: (current?.sum ?? 0) + event.n };

/** The true document for `id` after every event up to `position`, with `_position` as the runner sets it. */
const trueState = (events: readonly TallyEvent[], id: string, position: number): Tally | null => {
  let state: Tally | null = null;
  let last = 0;
  for (const event of events) {
    if (event.position > position || event.id !== id) continue;
    state = evolve(state, event);
    last = event.position;
  }
  return state && { ...state, _position: last };
};

/** What the projection runner does for one batch: read the touched documents, project, collect one change per document. */
const changesFor = async (store: ReadStore, collection: string, batch: readonly TallyEvent[]): Promise<GuardedChange[]> => {
  const ids = [...new Set(batch.map((e) => e.id))];
  const working = new Map<string, Tally | null>(ids.map((id) => [id, null]));
  for (const doc of await store.collection<Tally>(collection, spec).getMany(ids)) working.set(doc._id, doc);
  const touched = new Map<string, GuardedChange>();
  for (const event of batch) {
    const existing = working.get(event.id) ?? null;
    if (existing && (existing._position ?? -1) >= event.position) continue;
    const next = evolve(existing, event);
    const doc = next && { ...next, _position: event.position };
    working.set(event.id, doc);
    touched.set(event.id, { collection, id: event.id, position: event.position, doc });
  }
  return [...touched.values()];
};

const sortedDocs = async (store: ReadStore, collection: string): Promise<Tally[]> =>
  store.collection<Tally>(collection, spec).find({ sort: { field: '_id', order: 'asc' } });

describeWithMongo('MongoDB read store: batches interrupted before the checkpoint', (mongo) => {
  const dbName = `rs_replay_${randomBytes(6).toString('hex')}`;
  let client: MongoClient;
  let db: Db;
  let store: ReadStore;

  beforeAll(() => {
    client = new MongoClient(mongo.url());
    db = client.db(dbName);
    store = createMongoReadStore({ url: mongo.url(), dbName });
  });
  afterAll(async () => {
    await store?.close();
    await db?.dropDatabase();
    await client?.close();
  });

  const newCollection = async (): Promise<{ collection: string; checkpointId: string }> => {
    const suffix = randomBytes(5).toString('hex');
    const collection = `tally_${suffix}`;
    await store.ensureCollection(collection, spec);
    return { collection, checkpointId: `tally-${suffix}` };
  };

  it('replays a batch whose documents were written without its checkpoint to identical documents', async () => {
    const events: TallyEvent[] = [
      { position: 10, id: 'a', kind: 'add', n: 1 },
      { position: 20, id: 'b', kind: 'add', n: 2 },
      { position: 30, id: 'a', kind: 'add', n: 3 },
      { position: 40, id: 'c', kind: 'add', n: 4 },
      { position: 50, id: 'b', kind: 'remove', n: 0 },
      { position: 60, id: 'a', kind: 'add', n: 5 },
      { position: 70, id: 'c', kind: 'remove', n: 0 },
      { position: 80, id: 'c', kind: 'add', n: 6 },
    ];
    const first = events.slice(0, 2);
    const second = events.slice(2);

    const reference = await newCollection();
    await store.commitProjectionBatch({
      checkpointId: reference.checkpointId,
      from: null,
      to: 20n,
      changes: await changesFor(store, reference.collection, first),
    });
    await store.commitProjectionBatch({
      checkpointId: reference.checkpointId,
      from: 20n,
      to: 80n,
      changes: await changesFor(store, reference.collection, second),
    });
    const expected = await sortedDocs(store, reference.collection);
    expect(expected).toEqual([
      { _id: 'a', count: 3, sum: 9, _position: 60 },
      { _id: 'c', count: 1, sum: 6, _position: 80 },
    ]);

    const crashed = await newCollection();
    await store.commitProjectionBatch({
      checkpointId: crashed.checkpointId,
      from: null,
      to: 20n,
      changes: await changesFor(store, crashed.collection, first),
    });
    // The crash: the second batch's documents are written, its checkpoint is not.
    await applyGuardedChanges(db, await changesFor(store, crashed.collection, second));
    expect(await store.getCheckpoint(crashed.checkpointId)).toBe(20n);
    expect(await sortedDocs(store, crashed.collection)).toEqual(expected);

    // Recovery replays from the stored checkpoint: the same batch, then the same events in smaller batches.
    await store.commitProjectionBatch({
      checkpointId: crashed.checkpointId,
      from: 20n,
      to: 80n,
      changes: await changesFor(store, crashed.collection, second),
    });
    expect(await sortedDocs(store, crashed.collection)).toEqual(expected);
    await store.deleteCheckpoint(crashed.checkpointId);
    let from: bigint | null = null;
    for (const event of events) {
      const to = BigInt(event.position);
      await store.commitProjectionBatch({
        checkpointId: crashed.checkpointId,
        from,
        to,
        changes: await changesFor(store, crashed.collection, [event]),
      });
      from = to;
      expect(await sortedDocs(store, crashed.collection)).toEqual(expected);
    }
  });

  it('does not let a runner that lost the checkpoint race bring back a deleted document', async () => {
    const { collection, checkpointId } = await newCollection();
    const events: TallyEvent[] = [
      { position: 5, id: 'x', kind: 'add', n: 1 },
      { position: 8, id: 'x', kind: 'add', n: 2 },
      { position: 15, id: 'x', kind: 'remove', n: 0 },
    ];
    await store.commitProjectionBatch({
      checkpointId,
      from: null,
      to: 5n,
      changes: await changesFor(store, collection, events.slice(0, 1)),
    });
    // Two runners read checkpoint 5. The slow one projects only up to 8...
    const slowChanges = await changesFor(store, collection, events.slice(1, 2));
    // ...while the fast one commits up to 20, deleting x.
    await store.commitProjectionBatch({
      checkpointId,
      from: 5n,
      to: 20n,
      changes: await changesFor(store, collection, events.slice(1)),
    });
    // The slow runner's writes land after that, then its compare-and-set fails.
    await applyGuardedChanges(db, slowChanges);
    await expect(compareAndSetCheckpoint(db, checkpointId, 5n, 8n)).rejects.toBeInstanceOf(CheckpointConflictError);
    const tallies = store.collection<Tally>(collection, spec);
    expect(await tallies.get('x')).toBeNull();
    expect(await tallies.count()).toBe(0);
    expect(await store.getCheckpoint(checkpointId)).toBe(20n);
  });

  it('accepts the retry of a batch whose commit landed but whose acknowledgement was lost', async () => {
    const { collection, checkpointId } = await newCollection();
    const events: TallyEvent[] = [
      { position: 10, id: 'a', kind: 'add', n: 1 },
      { position: 20, id: 'a', kind: 'add', n: 2 },
    ];
    await store.commitProjectionBatch({ checkpointId, from: null, to: 10n, changes: await changesFor(store, collection, events.slice(0, 1)) });
    const batch = { checkpointId, from: 10n, to: 20n, changes: await changesFor(store, collection, events.slice(1)) };
    await store.commitProjectionBatch(batch);
    const after = await sortedDocs(store, collection);
    // The runner saw an error instead of the acknowledgement and sends the same batch again.
    await store.commitProjectionBatch(batch);
    await compareAndSetCheckpoint(db, checkpointId, 10n, 20n);
    expect(await sortedDocs(store, collection)).toEqual(after);
    expect(await store.getCheckpoint(checkpointId)).toBe(20n);
    // Only the exact `to` counts as done: a batch ending elsewhere still conflicts.
    await expect(store.commitProjectionBatch({ ...batch, to: 25n })).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(compareAndSetCheckpoint(db, checkpointId, 10n, 15n)).rejects.toBeInstanceOf(CheckpointConflictError);
  });

  it('keeps the highest position when two writers insert the same new documents at once', async () => {
    const { collection } = await newCollection();
    const other = createMongoReadStore({ url: mongo.url(), dbName });
    const otherDb = client.db(dbName);
    try {
      for (let round = 0; round < 5; round += 1) {
        const ids = Array.from({ length: 20 }, (_, i) => `r${round}-${i}`);
        const write = (position: number): GuardedChange[] =>
          ids.map((id) => ({ collection, id, position, doc: { _id: id, count: position, sum: 0 } }));
        await Promise.all([applyGuardedChanges(db, write(1)), applyGuardedChanges(otherDb, write(2))]);
        const docs = await store.collection<Tally>(collection, spec).getMany(ids);
        expect(docs.map((d) => d._position)).toEqual(ids.map(() => 2));
      }
    } finally {
      await other.close();
    }
  });

  it('shows only true states and ends identical, whatever batches crash and however replays are cut', async () => {
    const eventArb = fc.array(
      fc.record({
        id: fc.constantFrom('a', 'b', 'c', 'd'),
        kind: fc.constantFrom('add', 'add', 'add', 'remove'),
        n: fc.integer({ min: 1, max: 9 }),
      }),
      { minLength: 5, maxLength: 30 },
    );
    const planArb = fc.array(
      fc.record({
        size: fc.integer({ min: 1, max: 6 }),
        crash: fc.constantFrom('none', 'none', 'all', 'some'),
        keep: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      }),
      { minLength: 1, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(eventArb, planArb, async (raw, plan) => {
        const events: TallyEvent[] = raw.map((e, i) => ({ ...e, position: (i + 1) * 10 }));
        const last = events.at(-1)?.position ?? 0;
        const { collection, checkpointId } = await newCollection();

        const checkTrueStates = async (): Promise<void> => {
          for (const doc of await sortedDocs(store, collection)) {
            expect(doc).toEqual(trueState(events, doc._id, doc._position ?? -1));
          }
        };

        let step = 0;
        for (;;) {
          const checkpoint = await store.getCheckpoint(checkpointId);
          const done = checkpoint === null ? 0 : Number(checkpoint);
          if (done === last) break;
          // Once the plan runs out, batches of 4 without crashes.
          const { size, crash, keep } = plan[step] ?? { size: 4, crash: 'none', keep: [] };
          step += 1;
          const batch = events.filter((e) => e.position > done).slice(0, size);
          const changes = await changesFor(store, collection, batch);
          if (crash === 'none') {
            const to = BigInt(batch.at(-1)?.position ?? done);
            await store.commitProjectionBatch({ checkpointId, from: checkpoint, to, changes });
          } else {
            // Unordered writes without a transaction can land any subset before a crash.
            await applyGuardedChanges(db, crash === 'all' ? changes : changes.filter((_, i) => keep[i] ?? true));
          }
          await checkTrueStates();
        }
        const expected = [...new Set(events.map((e) => e.id))]
          .sort()
          .flatMap((id) => trueState(events, id, last) ?? []);
        expect(await sortedDocs(store, collection)).toEqual(expected);
        await store.dropCollection(collection);
      }),
      { numRuns: 25, seed: 20261126 },
    );
  });
});
