/**
 * The MongoDB adapter must answer every query exactly as the SQLite adapter does. Random
 * queries over documents that mix kinds of values, arrays, missing and null fields, nested
 * paths and non-ASCII text run against both, and the answers are compared.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CollectionSpec, Doc, DocumentCollection, FieldValue, FindQuery, ReadStore } from '../../../src/stores/documents/port.js';
import { cursorOf } from '../../../src/stores/documents/query.js';
import { createMongoReadStore } from '../../../src/stores/documents/mongo/index.js';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import { describeWithMongo } from '../../support/ferretdb.js';

const spec: CollectionSpec = {
  indexes: ['n', 's', 'flag', 'mixed', 'arr', 'o.p'],
  textFields: ['title', 's'],
};

const strings = ['a', 'A', 'b', 'B', 'ab', 'é', 'É', 'zeta', '', '1', 'x.y', '50%', 'a_b'];
const mixedValues: unknown[] = [0, 1, 2.5, -1, true, false, null, 'a', 'B', '1', [1, 2], ['a'], []];
const titles = ['Speed up', 'SPEED', 'élan', 'Élan vital', 'x.y', '50% off', 'a_b', 'tune (LMR)', 42, null];

/** A fixed, varied data set: every field is sometimes missing, null, or of an unexpected kind. */
const docs: Doc[] = Array.from({ length: 40 }, (_, i) => {
  const doc: Doc = { _id: `d${String(i).padStart(2, '0')}` };
  const pick = <T>(list: readonly T[], salt: number): T => list[(i * 7 + salt) % list.length] as T;
  if (i % 5 !== 0) doc.n = i % 7 === 0 ? null : pick([0, 1, 2, 2.5, 3, -1, 10], 1);
  if (i % 4 !== 1) doc.s = pick(strings, 2);
  if (i % 3 !== 2) doc.flag = i % 2 === 0;
  if (i % 6 !== 3) doc.mixed = pick(mixedValues, 3);
  if (i % 3 === 0) doc.arr = i % 2 === 0 ? [1, 2, 3] : pick([1, 2, 'a'], 4);
  if (i % 4 !== 2) doc.o = i % 8 === 0 ? { q: 1 } : { p: pick([1, 2, 3, 'a', null], 5) };
  if (i % 9 !== 4) doc.title = pick(titles, 6);
  return doc;
});

const valueArb: fc.Arbitrary<FieldValue> = fc.constantFrom<FieldValue>(
  0, 1, 2, 2.5, 3, -1, 10, true, false, null, 'a', 'A', 'B', 'b', 'é', '1', 'zeta', '',
);
const rangeArb = valueArb.filter((v): v is Exclude<FieldValue, null> => v !== null);
const conditionArb = fc.oneof(
  valueArb,
  fc.record({ $eq: valueArb }),
  fc.record({ $ne: valueArb }),
  fc.record({ $in: fc.array(valueArb, { maxLength: 4 }) }),
  fc.record({ $gt: rangeArb }),
  fc.record({ $gte: rangeArb, $lt: rangeArb }),
  fc.record({ $lte: rangeArb }),
);
const whereArb = fc.dictionary(fc.constantFrom('n', 's', 'flag', 'mixed', 'arr', 'o.p', '_id'), conditionArb, {
  maxKeys: 2,
});
// Sorting is compared on fields holding one kind of value (plus null/missing), as the port asks.
const sortArb = fc.record({ field: fc.constantFrom('n', 's', '_id'), order: fc.constantFrom('asc' as const, 'desc' as const) });
const queryArb: fc.Arbitrary<FindQuery> = fc.record(
  {
    where: whereArb,
    text: fc.constantFrom('a', 'SPEED', 'É', 'x.y', '%', '_', '(', 'lan', '1'),
    sort: sortArb,
    skip: fc.integer({ min: 0, max: 5 }),
    limit: fc.integer({ min: 0, max: 12 }),
  },
  { requiredKeys: [] },
);

describeWithMongo('MongoDB read store answers like the SQLite read store', (mongo) => {
  const dbName = `rs_parity_${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'parity-'));
  let sqlite: ReadStore;
  let mongoStore: ReadStore;
  let bySqlite: DocumentCollection;
  let byMongo: DocumentCollection;

  beforeAll(async () => {
    sqlite = createSqliteReadStore({ path: path.join(dir, 'read.db') });
    mongoStore = createMongoReadStore({ url: mongo.url(), dbName });
    for (const store of [sqlite, mongoStore]) await store.ensureCollection('items', spec);
    bySqlite = sqlite.collection('items', spec);
    byMongo = mongoStore.collection('items', spec);
    const ops = docs.map((doc) => ({ op: 'upsert' as const, doc }));
    await bySqlite.bulkWrite(ops);
    await byMongo.bulkWrite(ops);
  });
  afterAll(async () => {
    await sqlite?.close();
    await mongoStore?.close();
    rmSync(dir, { recursive: true, force: true });
    const admin = new MongoClient(mongo.url());
    await admin.db(dbName).dropDatabase();
    await admin.close();
  });

  const ids = (list: readonly Doc[]): string[] => list.map((d) => d._id);
  /** The ids found, or the name of the error: invalid queries must be rejected by both alike. */
  const outcome = async (answer: Promise<Doc[] | number>): Promise<string[] | number | string> => {
    try {
      const result = await answer;
      return typeof result === 'number' ? result : ids(result);
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  };

  it('stores and returns the same documents', async () => {
    expect(await byMongo.find()).toEqual(await bySqlite.find());
  });

  it('finds and counts the same documents for random queries', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (query) => {
        expect(await outcome(byMongo.find(query))).toEqual(await outcome(bySqlite.find(query)));
        const countQuery = { where: query.where, text: query.text };
        expect(await outcome(byMongo.count(countQuery))).toEqual(await outcome(bySqlite.count(countQuery)));
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('pages with keyset cursors to the same documents', async () => {
    await fc.assert(
      fc.asyncProperty(
        sortArb,
        fc.constantFrom(...docs),
        whereArb,
        async (sort, from, where) => {
          // Cursors come from documents, as clients get them from cursorOf on the last document of a page.
          const query: FindQuery = { sort, where, after: cursorOf(from, sort), limit: 10 };
          expect(await outcome(byMongo.find(query))).toEqual(await outcome(bySqlite.find(query)));
        },
      ),
      { numRuns: 100, seed: 77 },
    );
  });
});
