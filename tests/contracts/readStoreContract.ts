import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CollectionSpec,
  Doc,
  DocumentCollection,
  FieldValue,
  FindQuery,
  GuardedChange,
  ReadStore,
  SortSpec,
} from '../../src/stores/documents/port.js';
import { CheckpointConflictError, InvalidQueryError } from '../../src/stores/documents/errors.js';

export interface ReadStoreFixture {
  store: ReadStore;
  cleanup: () => Promise<void>;
}

const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

const byId = <T extends Doc>(docs: readonly T[]): T[] => [...docs].sort((a, b) => compareText(a._id, b._id));

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const ids = (docs: readonly Doc[]): string[] => docs.map((d) => d._id);

/** Reference order for one sort key: missing/null first ascending, ties by _id in the same direction. */
const sortedReference = <T extends Doc>(docs: readonly T[], field: string, order: 'asc' | 'desc'): T[] => {
  const valueOf = (doc: T): number | null => {
    const v = doc[field];
    return typeof v === 'number' ? v : null;
  };
  const ascending = [...docs].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va !== vb) {
      if (va === null) return -1;
      if (vb === null) return 1;
      return va - vb;
    }
    return compareText(a._id, b._id);
  });
  return order === 'asc' ? ascending : ascending.reverse();
};

/**
 * Behaviour every ReadStore adapter must show. Uses only the port, and unique collection,
 * checkpoint and alias names per test, so adapters whose state is shared between tests (a real
 * server) pass too.
 */
export function describeReadStoreContract(adapterName: string, setup: () => Promise<ReadStoreFixture>): void {
  describe(`ReadStore contract: ${adapterName}`, () => {
    let fixture: ReadStoreFixture | undefined;
    const store = (): ReadStore => {
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

    const newCollection = async <T extends Doc = Doc>(
      spec: CollectionSpec = { indexes: [] },
      prefix = 'c',
    ): Promise<DocumentCollection<T>> => {
      const name = uniqueName(prefix);
      await store().ensureCollection(name, spec);
      return store().collection<T>(name, spec);
    };

    it('names its kind and answers ping', async () => {
      expect(typeof store().kind).toBe('string');
      expect(store().kind.length).toBeGreaterThan(0);
      await expect(store().ping()).resolves.toBeUndefined();
    });

    describe('documents', () => {
      it('gets null for a missing document and the stored document after upsert', async () => {
        const c = await newCollection();
        expect(await c.get('nope')).toBeNull();
        const doc = { _id: 'a', n: 1, s: 'x', nested: { list: [1, 'two', null, { deep: true }] }, none: null };
        await c.upsert(doc);
        expect(await c.get('a')).toEqual(doc);
      });

      it('keeps arrays of arrays, at any depth and next to other values, through every write and read', async () => {
        // An SPSA run's param_history is a list of lists of parameter rows.
        const nested = { _id: 'n', history: [[{ theta: 1.5 }], [], [[1, [2]], 'x']], plain: [1, 2], mixed: [[null], { a: [[true]] }] };
        const c = await newCollection({ indexes: ['kind'] });
        await c.upsert(nested);
        await c.bulkWrite([{ op: 'upsert', doc: { ...nested, _id: 'm', kind: 'spsa' } }]);
        expect(await c.get('n')).toEqual(nested);
        expect(byId(await c.getMany(['m', 'n']))).toEqual([{ ...nested, _id: 'm', kind: 'spsa' }, nested]);
        expect(await c.find({ where: { kind: 'spsa' } })).toEqual([{ ...nested, _id: 'm', kind: 'spsa' }]);
        const name = uniqueName('nested');
        await store().ensureCollection(name, { indexes: [] });
        await store().commitProjectionBatch({
          checkpointId: uniqueName('cp'),
          from: null,
          to: 3n,
          changes: [{ collection: name, id: 'g', position: 3, doc: { _id: 'g', history: [[1], [2, 3]] } }],
        });
        expect(await store().collection(name, { indexes: [] }).get('g')).toEqual({ _id: 'g', history: [[1], [2, 3]], _position: 3 });
      });

      it('replaces the whole document on upsert', async () => {
        const c = await newCollection();
        await c.upsert({ _id: 'a', keep: 1, drop: 2 });
        await c.upsert({ _id: 'a', keep: 3 });
        expect(await c.get('a')).toEqual({ _id: 'a', keep: 3 });
        expect(await c.count()).toBe(1);
      });

      it('gets many, skipping missing ids', async () => {
        const c = await newCollection();
        await c.bulkWrite(['a', 'b', 'c'].map((id) => ({ op: 'upsert' as const, doc: { _id: id, v: id } })));
        expect(byId(await c.getMany(['c', 'missing', 'a']))).toEqual([
          { _id: 'a', v: 'a' },
          { _id: 'c', v: 'c' },
        ]);
        expect(await c.getMany([])).toEqual([]);
      });

      it('deletes a document, and deleting a missing one is a no-op', async () => {
        const c = await newCollection();
        await c.upsert({ _id: 'a' });
        await c.upsert({ _id: 'b' });
        await c.delete('a');
        await c.delete('never-there');
        expect(await c.get('a')).toBeNull();
        expect(ids(await c.find())).toEqual(['b']);
      });

      it('applies a bulk write of upserts and deletes in order', async () => {
        const c = await newCollection();
        await c.upsert({ _id: 'old', v: 0 });
        await c.bulkWrite([
          { op: 'upsert', doc: { _id: 'x', v: 1 } },
          { op: 'upsert', doc: { _id: 'y', v: 1 } },
          { op: 'delete', id: 'x' },
          { op: 'delete', id: 'old' },
          { op: 'upsert', doc: { _id: 'y', v: 2 } },
          { op: 'upsert', doc: { _id: 'z', v: 1 } },
          { op: 'delete', id: 'z' },
          { op: 'upsert', doc: { _id: 'z', v: 3 } },
        ]);
        expect(await c.find()).toEqual([
          { _id: 'y', v: 2 },
          { _id: 'z', v: 3 },
        ]);
        await c.bulkWrite([]);
        expect(await c.count()).toBe(2);
      });
    });

    describe('find and count', () => {
      interface Item extends Doc {
        n?: number | null;
        flag?: boolean;
        s?: string;
        maybe?: string | null;
        created?: string;
        info?: { owner: string; tier?: number };
        title?: string;
      }
      const spec: CollectionSpec = {
        indexes: ['n', 'flag', 's', 'maybe', 'created', 'info.owner', 'info.tier', 'mixed'],
        textFields: ['title', 'info.owner'],
      };
      const items: Item[] = [
        { _id: 'i1', n: 1, flag: true, s: 'alpha', maybe: 'here', created: '2024-01-05T10:00:00.000Z', info: { owner: 'Vondele', tier: 1 }, title: 'Speed up search' },
        { _id: 'i2', n: 2, flag: false, s: 'beta', maybe: null, created: '2024-02-10T08:30:00.000Z', info: { owner: 'vdv', tier: 2 }, title: 'Tune LMR 100% pure' },
        { _id: 'i3', n: 3, flag: true, s: 'gamma', created: '2024-03-01T00:00:00.000Z', info: { owner: 'Disservin', tier: 2 }, title: 'NNUE_net update' },
        { _id: 'i4', n: 3, flag: false, s: 'alpha', maybe: 'there', created: '2024-03-15T12:00:00.000Z', info: { owner: 'vondele', tier: 3 }, title: 'simplify a.b' },
        { _id: 'i5', n: 5, flag: true, s: 'delta', created: '2024-04-20T23:59:59.999Z', info: { owner: 'Sopel', tier: 1 }, title: 'Élo gain, SPEED' },
        { _id: 'i6', n: 8, flag: false, s: 'beta', maybe: null, created: '2024-06-01T00:00:00.000Z', title: 'axb tweak' },
        { _id: 'i7', flag: true, s: 'epsilon', created: '2024-07-07T07:07:07.000Z', info: { owner: 'linrock' }, title: 'Bigger net' },
        { _id: 'i8', n: null, flag: false, s: 'zeta', maybe: 'here', created: '2024-08-08T08:08:08.000Z', info: { owner: 'Viz', tier: 3 }, title: 'Fix 0 search' },
      ];
      const seeded = async (): Promise<DocumentCollection<Item>> => {
        const c = await newCollection<Item>(spec, 'items');
        await c.bulkWrite(items.map((doc) => ({ op: 'upsert' as const, doc })));
        return c;
      };
      const findIds = async (c: DocumentCollection<Item>, query: FindQuery): Promise<string[]> => ids(await c.find(query));

      it('returns every document in _id order without a query', async () => {
        const c = await seeded();
        expect(await c.find()).toEqual(byId(items));
        expect(await c.count()).toBe(items.length);
      });

      it('matches equality on strings, numbers, booleans and dotted paths', async () => {
        const c = await seeded();
        expect(await findIds(c, { where: { s: 'alpha' } })).toEqual(['i1', 'i4']);
        expect(await findIds(c, { where: { n: 3 } })).toEqual(['i3', 'i4']);
        expect(await findIds(c, { where: { flag: true } })).toEqual(['i1', 'i3', 'i5', 'i7']);
        expect(await findIds(c, { where: { flag: false } })).toEqual(['i2', 'i4', 'i6', 'i8']);
        expect(await findIds(c, { where: { flag: { $eq: false }, s: 'beta' } })).toEqual(['i2', 'i6']);
        expect(await findIds(c, { where: { 'info.owner': 'vondele' } })).toEqual(['i4']);
        expect(await findIds(c, { where: { 'info.tier': 2 } })).toEqual(['i2', 'i3']);
        expect(await findIds(c, { where: { _id: 'i5' } })).toEqual(['i5']);
        expect(await c.count({ where: { flag: true } })).toBe(4);
      });

      it('matches null against null and missing fields, and $ne null against present values', async () => {
        const c = await seeded();
        expect(await findIds(c, { where: { maybe: null } })).toEqual(['i2', 'i3', 'i5', 'i6', 'i7']);
        expect(await findIds(c, { where: { maybe: { $eq: null } } })).toEqual(['i2', 'i3', 'i5', 'i6', 'i7']);
        expect(await findIds(c, { where: { n: null } })).toEqual(['i7', 'i8']);
        expect(await findIds(c, { where: { 'info.tier': null } })).toEqual(['i6', 'i7']);
        expect(await findIds(c, { where: { maybe: { $ne: null } } })).toEqual(['i1', 'i4', 'i8']);
        expect(await c.count({ where: { maybe: null } })).toBe(5);
      });

      it('matches $ne on values, including documents where the field is missing', async () => {
        const c = await seeded();
        expect(await findIds(c, { where: { maybe: { $ne: 'here' } } })).toEqual(['i2', 'i3', 'i4', 'i5', 'i6', 'i7']);
        expect(await findIds(c, { where: { n: { $ne: 3 } } })).toEqual(['i1', 'i2', 'i5', 'i6', 'i7', 'i8']);
        expect(await findIds(c, { where: { flag: { $ne: true } } })).toEqual(['i2', 'i4', 'i6', 'i8']);
      });

      it('matches $in on strings, numbers, booleans and null', async () => {
        const c = await seeded();
        expect(await findIds(c, { where: { s: { $in: ['beta', 'zeta', 'nothing'] } } })).toEqual(['i2', 'i6', 'i8']);
        expect(await findIds(c, { where: { n: { $in: [1, 5, 99] } } })).toEqual(['i1', 'i5']);
        expect(await findIds(c, { where: { maybe: { $in: ['there', null] } } })).toEqual(['i2', 'i3', 'i4', 'i5', 'i6', 'i7']);
        expect(await findIds(c, { where: { flag: { $in: [true] }, n: { $in: [3, 8] } } })).toEqual(['i3']);
        expect(await findIds(c, { where: { _id: { $in: ['i8', 'i1'] } } })).toEqual(['i1', 'i8']);
        expect(await findIds(c, { where: { s: { $in: [] } } })).toEqual([]);
      });

      it('matches ranges on numbers and on ISO date strings', async () => {
        const c = await seeded();
        expect(await findIds(c, { where: { n: { $gt: 2 } } })).toEqual(['i3', 'i4', 'i5', 'i6']);
        expect(await findIds(c, { where: { n: { $gte: 2, $lt: 5 } } })).toEqual(['i2', 'i3', 'i4']);
        expect(await findIds(c, { where: { n: { $lte: 3 } } })).toEqual(['i1', 'i2', 'i3', 'i4']);
        expect(await findIds(c, { where: { n: { $gt: 1.5, $lte: 2 } } })).toEqual(['i2']);
        expect(
          await findIds(c, { where: { created: { $gte: '2024-03-01T00:00:00.000Z', $lt: '2024-06-01T00:00:00.000Z' } } }),
        ).toEqual(['i3', 'i4', 'i5']);
        expect(await findIds(c, { where: { created: { $gt: '2024-07-07T07:07:07.000Z' } } })).toEqual(['i8']);
        expect(await findIds(c, { where: { s: { $gte: 'delta', $lt: 'zeta' } } })).toEqual(['i3', 'i5', 'i7']);
        expect(await findIds(c, { where: { _id: { $gt: 'i6' } } })).toEqual(['i7', 'i8']);
        // Missing and null values are outside every range.
        expect(await findIds(c, { where: { maybe: { $lt: 'zzz' } } })).toEqual(['i1', 'i4', 'i8']);
        expect(await findIds(c, { where: { n: { $lt: 2 } } })).toEqual(['i1']);
        expect(await c.count({ where: { n: { $gte: 3 } } })).toBe(4);
      });

      it('compares values only with values of the same kind', async () => {
        const c = await newCollection(spec, 'mixed');
        const docs: Doc[] = [
          { _id: 'm1', mixed: 1 },
          { _id: 'm2', mixed: true },
          { _id: 'm3', mixed: '1' },
          { _id: 'm4', mixed: 0 },
          { _id: 'm5', mixed: false },
          { _id: 'm6', mixed: 'abc' },
        ];
        await c.bulkWrite(docs.map((doc) => ({ op: 'upsert' as const, doc })));
        expect(ids(await c.find({ where: { mixed: 1 } }))).toEqual(['m1']);
        expect(ids(await c.find({ where: { mixed: true } }))).toEqual(['m2']);
        expect(ids(await c.find({ where: { mixed: '1' } }))).toEqual(['m3']);
        expect(ids(await c.find({ where: { mixed: false } }))).toEqual(['m5']);
        expect(ids(await c.find({ where: { mixed: { $in: [0, true] } } }))).toEqual(['m2', 'm4']);
        expect(ids(await c.find({ where: { mixed: { $gte: 0 } } }))).toEqual(['m1', 'm4']);
        expect(ids(await c.find({ where: { mixed: { $gt: '' } } }))).toEqual(['m3', 'm6']);
        expect(ids(await c.find({ where: { mixed: { $ne: 1 } } }))).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
      });

      it('never matches a string against an object or array whose JSON text equals it', async () => {
        const c = await newCollection(spec, 'json');
        const docs: Doc[] = [
          { _id: 'j1', mixed: { p: 1 } },
          { _id: 'j2', mixed: [1, 2] },
          { _id: 'j3', mixed: '{"p":1}' },
        ];
        await c.bulkWrite(docs.map((doc) => ({ op: 'upsert' as const, doc })));
        expect(ids(await c.find({ where: { mixed: '{"p":1}' } }))).toEqual(['j3']);
        expect(ids(await c.find({ where: { mixed: { $in: ['[1,2]', '{"p":1}'] } } }))).toEqual(['j3']);
        expect(ids(await c.find({ where: { mixed: { $ne: '{"p":1}' } } }))).toEqual(['j1', 'j2']);
        expect(await c.count({ where: { mixed: '[1,2]' } })).toBe(0);
      });

      it('sorts on one key in both directions, breaking ties by _id the same way', async () => {
        const c = await seeded();
        expect(await findIds(c, { sort: { field: 'n', order: 'asc' } })).toEqual(['i7', 'i8', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
        expect(await findIds(c, { sort: { field: 'n', order: 'desc' } })).toEqual(['i6', 'i5', 'i4', 'i3', 'i2', 'i1', 'i8', 'i7']);
        expect(await findIds(c, { sort: { field: 's', order: 'asc' } })).toEqual(['i1', 'i4', 'i2', 'i6', 'i5', 'i7', 'i3', 'i8']);
        expect(await findIds(c, { sort: { field: 'created', order: 'desc' }, limit: 3 })).toEqual(['i8', 'i7', 'i6']);
        expect(await findIds(c, { sort: { field: '_id', order: 'desc' } })).toEqual(['i8', 'i7', 'i6', 'i5', 'i4', 'i3', 'i2', 'i1']);
        expect(await findIds(c, { where: { flag: true }, sort: { field: 'info.owner', order: 'asc' } })).toEqual([
          'i3',
          'i5',
          'i1',
          'i7',
        ]);
      });

      it('skips and limits', async () => {
        const c = await seeded();
        expect(await findIds(c, { skip: 2, limit: 3 })).toEqual(['i3', 'i4', 'i5']);
        expect(await findIds(c, { sort: { field: 'n', order: 'desc' }, skip: 1, limit: 2 })).toEqual(['i5', 'i4']);
        expect(await findIds(c, { skip: 7 })).toEqual(['i8']);
        expect(await findIds(c, { skip: 100 })).toEqual([]);
        expect(await findIds(c, { limit: 0 })).toEqual([]);
        expect(await findIds(c, { where: { flag: false }, limit: 2 })).toEqual(['i2', 'i4']);
      });

      it('searches text case-insensitively as a plain substring of the declared text fields', async () => {
        const c = await seeded();
        expect(await findIds(c, { text: 'speed' })).toEqual(['i1', 'i5']);
        expect(await findIds(c, { text: 'VONDELE' })).toEqual(['i1', 'i4']);
        expect(await findIds(c, { text: 'élo' })).toEqual(['i5']);
        expect(await findIds(c, { text: '0%' })).toEqual(['i2']);
        expect(await findIds(c, { text: '_' })).toEqual(['i3']);
        expect(await findIds(c, { text: 'a.b' })).toEqual(['i4']);
        expect(await findIds(c, { text: 'search', where: { flag: false } })).toEqual(['i8']);
        expect(await findIds(c, { text: 'net', sort: { field: 'n', order: 'desc' } })).toEqual(['i3', 'i7']);
        expect(await findIds(c, { text: 'no such words' })).toEqual([]);
        expect(await c.count({ text: 'search' })).toBe(2);
        expect(await c.count({ text: 'e', where: { n: { $gte: 3 } } })).toBe(4);
      });

      it('searches text only in string values', async () => {
        const c = await newCollection({ indexes: [], textFields: ['title'] });
        await c.bulkWrite([
          { op: 'upsert', doc: { _id: 'object', title: { speed: 'up' } } },
          { op: 'upsert', doc: { _id: 'number', title: 5150 } },
          { op: 'upsert', doc: { _id: 'string', title: 'speed 5150' } },
        ]);
        expect(ids(await c.find({ text: 'speed' }))).toEqual(['string']);
        expect(ids(await c.find({ text: '515' }))).toEqual(['string']);
      });

      it('rejects undeclared fields, unknown operators and values of the wrong kind', async () => {
        const c = await seeded();
        const bad: unknown[] = [
          { where: { title: 'x' } },
          { where: { undeclared: 1 } },
          { where: { $where: 'this.n > 1' } },
          { where: { $or: [{ n: 1 }] } },
          { where: { n: { $regex: '.*' } } },
          { where: { n: { $exists: true } } },
          { where: { n: { $gt: 1, $foo: 2 } } },
          { where: { n: { nested: 1 } } },
          { where: { n: {} } },
          { where: { n: [1, 2] } },
          { where: { n: { $in: 'abc' } } },
          { where: { n: { $in: [{ a: 1 }] } } },
          { where: { n: { $in: Array.from({ length: 100_001 }, (_, i) => i) } } },
          { where: { n: { $eq: { $gt: 1 } } } },
          { where: { n: Number.NaN } },
          { sort: { field: 'title', order: 'asc' } },
          { sort: { field: 'n', order: 'sideways' } },
          { skip: -1 },
          { limit: 1.5 },
          { limit: 1_000_000_000 },
        ];
        for (const query of bad) {
          await expect(c.find(query as FindQuery), JSON.stringify(query).slice(0, 80)).rejects.toBeInstanceOf(
            InvalidQueryError,
          );
        }
        await expect(c.count({ where: { undeclared: 1 } })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(c.count({ where: { n: { $where: 1 } } } as never)).rejects.toBeInstanceOf(InvalidQueryError);
        const noText = await newCollection({ indexes: ['n'] });
        await expect(noText.find({ text: 'x' })).rejects.toBeInstanceOf(InvalidQueryError);
      });
    });

    describe('keyset paging', () => {
      interface Scored extends Doc {
        score?: number | null;
        even: boolean;
      }
      const spec: CollectionSpec = { indexes: ['score', 'even'] };
      // Many ties on score, and some documents without one, so the _id tie-break and null handling matter.
      const docs: Scored[] = Array.from({ length: 53 }, (_, i) => {
        const _id = `d${String((i * 37) % 53).padStart(3, '0')}`;
        const even = i % 2 === 0;
        if (i % 11 === 0) return { _id, even };
        if (i % 13 === 0) return { _id, score: null, even };
        return { _id, score: i % 7, even };
      });

      const pageThrough = async (
        c: DocumentCollection<Scored>,
        pageSize: number,
        sort: SortSpec | undefined,
        where?: FindQuery['where'],
      ): Promise<string[]> => {
        const seen: string[] = [];
        let after: { value: FieldValue; id: string } | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await c.find({ where, sort, limit: pageSize, after });
          seen.push(...ids(page));
          const last = page.at(-1);
          if (page.length < pageSize || !last) return seen;
          const field = sort?.field ?? '_id';
          const value = field === '_id' ? last._id : (last[field] as FieldValue | undefined);
          after = { value: value ?? null, id: last._id };
        }
        throw new Error('paging did not finish');
      };

      it('visits every document exactly once, in order, in both directions and by _id', async () => {
        const c = await newCollection<Scored>(spec, 'paged');
        await c.bulkWrite(docs.map((doc) => ({ op: 'upsert' as const, doc })));
        for (const order of ['asc', 'desc'] as const) {
          const expected = ids(sortedReference(docs, 'score', order));
          expect(await c.find({ sort: { field: 'score', order } }).then(ids)).toEqual(expected);
          for (const pageSize of [1, 4, 7, 53]) {
            expect(await pageThrough(c, pageSize, { field: 'score', order })).toEqual(expected);
          }
          const expectedById = ids(byId(docs));
          expect(await pageThrough(c, 5, { field: '_id', order })).toEqual(
            order === 'asc' ? expectedById : [...expectedById].reverse(),
          );
        }
        expect(await pageThrough(c, 6, undefined)).toEqual(ids(byId(docs)));
      });

      it('pages through a filtered subset', async () => {
        const c = await newCollection<Scored>(spec, 'paged');
        await c.bulkWrite(docs.map((doc) => ({ op: 'upsert' as const, doc })));
        const evens = docs.filter((d) => d.even);
        expect(await pageThrough(c, 4, { field: 'score', order: 'desc' }, { even: true })).toEqual(
          ids(sortedReference(evens, 'score', 'desc')),
        );
      });
    });

    describe('collections', () => {
      it('ensures a collection idempotently and lists it once', async () => {
        const name = uniqueName('ens');
        const spec: CollectionSpec = { indexes: ['a', 'b.c'], textFields: ['t'] };
        await store().ensureCollection(name, spec);
        await store().ensureCollection(name, spec);
        const c = store().collection(name, spec);
        await c.upsert({ _id: '1', a: 1, b: { c: 'x' }, t: 'Hello' });
        await store().ensureCollection(name, spec);
        expect(await c.find({ where: { 'b.c': 'x' }, text: 'hello' })).toHaveLength(1);
        expect((await store().listCollections()).filter((n) => n === name)).toEqual([name]);
      });

      it('drops a collection and its documents', async () => {
        const keep = uniqueName('keep');
        const drop = uniqueName('drop');
        await store().ensureCollection(keep, { indexes: [] });
        await store().ensureCollection(drop, { indexes: [] });
        await store().collection(drop, { indexes: [] }).upsert({ _id: 'x' });
        await store().dropCollection(drop);
        await store().dropCollection(uniqueName('never'));
        const names = await store().listCollections();
        expect(names).toContain(keep);
        expect(names).not.toContain(drop);
        expect(await store().collection(drop, { indexes: [] }).find()).toEqual([]);
      });
    });

    describe('checkpoints and guarded changes', () => {
      const spec: CollectionSpec = { indexes: ['v'] };
      const change = (collection: string, id: string, position: number, doc: Omit<Doc, '_id'> | null): GuardedChange => ({
        collection,
        id,
        position,
        doc: doc === null ? null : { _id: id, ...doc },
      });

      it('starts without a checkpoint and moves it from `from` to `to`', async () => {
        const checkpointId = uniqueName('cp');
        expect(await store().getCheckpoint(checkpointId)).toBeNull();
        await store().commitProjectionBatch({ checkpointId, from: null, to: 10n, changes: [] });
        expect(await store().getCheckpoint(checkpointId)).toBe(10n);
        await store().commitProjectionBatch({ checkpointId, from: 10n, to: 2n ** 62n, changes: [] });
        expect(await store().getCheckpoint(checkpointId)).toBe(2n ** 62n);
        await store().deleteCheckpoint(checkpointId);
        expect(await store().getCheckpoint(checkpointId)).toBeNull();
      });

      it('throws CheckpointConflictError when `from` does not match, and writes nothing', async () => {
        const name = uniqueName('cf');
        await store().ensureCollection(name, spec);
        const c = store().collection(name, spec);
        const checkpointId = uniqueName('cp');
        await store().commitProjectionBatch({ checkpointId, from: null, to: 5n, changes: [change(name, 'a', 5, { v: 1 })] });

        const stale = { checkpointId, to: 9n, changes: [change(name, 'a', 9, { v: 2 }), change(name, 'b', 9, { v: 2 })] };
        for (const from of [null, 4n, 6n]) {
          const attempt = store().commitProjectionBatch({ ...stale, from });
          await expect(attempt).rejects.toBeInstanceOf(CheckpointConflictError);
          await expect(attempt).rejects.toMatchObject({ checkpointId, expected: from, actual: 5n });
        }
        expect(await store().getCheckpoint(checkpointId)).toBe(5n);
        expect(await c.find()).toEqual([{ _id: 'a', v: 1, _position: 5 }]);

        const missing = uniqueName('cp');
        await expect(
          store().commitProjectionBatch({ checkpointId: missing, from: 3n, to: 4n, changes: [change(name, 'c', 4, {})] }),
        ).rejects.toMatchObject({ expected: 3n, actual: null });
        expect(await store().getCheckpoint(missing)).toBeNull();
        expect(await c.get('c')).toBeNull();
      });

      it('accepts a retried batch whose checkpoint already reached its `to` (a lost acknowledgement)', async () => {
        const name = uniqueName('ack');
        await store().ensureCollection(name, spec);
        const checkpointId = uniqueName('cp');
        const batch = { checkpointId, from: null, to: 7n, changes: [change(name, 'a', 7, { v: 1 })] };
        await store().commitProjectionBatch(batch);
        await store().commitProjectionBatch(batch);
        expect(await store().getCheckpoint(checkpointId)).toBe(7n);
        expect(await store().collection(name, spec).find()).toEqual([{ _id: 'a', v: 1, _position: 7 }]);
      });

      it('applies a change only above the stored position, and sets _position', async () => {
        const name = uniqueName('gc');
        await store().ensureCollection(name, spec);
        const c = store().collection(name, spec);
        const checkpointId = uniqueName('cp');
        await c.upsert({ _id: 'plain', v: 0 });
        await store().commitProjectionBatch({
          checkpointId,
          from: null,
          to: 20n,
          changes: [
            change(name, 'a', 10, { v: 1 }),
            change(name, 'a', 12, { v: 2 }),
            change(name, 'a', 11, { v: 99 }),
            change(name, 'a', 12, { v: 98 }),
            change(name, 'b', 15, { v: 1 }),
            change(name, 'plain', 3, { v: 5 }),
          ],
        });
        expect(await c.find()).toEqual([
          { _id: 'a', v: 2, _position: 12 },
          { _id: 'b', v: 1, _position: 15 },
          { _id: 'plain', v: 5, _position: 3 },
        ]);
        await store().commitProjectionBatch({
          checkpointId,
          from: 20n,
          to: 30n,
          changes: [change(name, 'a', 9, { v: 0 }), change(name, 'b', 25, { v: 2, extra: true })],
        });
        expect(await c.find()).toEqual([
          { _id: 'a', v: 2, _position: 12 },
          { _id: 'b', v: 2, extra: true, _position: 25 },
          { _id: 'plain', v: 5, _position: 3 },
        ]);
      });

      it('guards deletes the same way', async () => {
        const name = uniqueName('gd');
        const c = store().collection(name, spec);
        await store().ensureCollection(name, spec);
        const checkpointId = uniqueName('cp');
        await store().commitProjectionBatch({
          checkpointId,
          from: null,
          to: 10n,
          changes: [change(name, 'a', 10, { v: 1 }), change(name, 'b', 10, { v: 1 }), change(name, 'gone', 1, null)],
        });
        await store().commitProjectionBatch({
          checkpointId,
          from: 10n,
          to: 20n,
          changes: [change(name, 'a', 5, null), change(name, 'a', 10, null), change(name, 'b', 11, null)],
        });
        expect(await c.find()).toEqual([{ _id: 'a', v: 1, _position: 10 }]);
      });

      it('writes several collections in one batch', async () => {
        const one = uniqueName('one');
        const two = uniqueName('two');
        await store().ensureCollection(one, spec);
        await store().ensureCollection(two, spec);
        const checkpointId = uniqueName('cp');
        await store().commitProjectionBatch({
          checkpointId,
          from: null,
          to: 7n,
          changes: [change(one, 'x', 7, { v: 1 }), change(two, 'x', 7, { v: 2 })],
        });
        expect(await store().collection(one, spec).get('x')).toEqual({ _id: 'x', v: 1, _position: 7 });
        expect(await store().collection(two, spec).get('x')).toEqual({ _id: 'x', v: 2, _position: 7 });
      });

      it('leaves identical documents when a batch is replayed', async () => {
        const name = uniqueName('rp');
        await store().ensureCollection(name, spec);
        const c = store().collection(name, spec);
        const checkpointId = uniqueName('cp');
        const changes: GuardedChange[] = [
          change(name, 'a', 1, { v: 1 }),
          change(name, 'b', 2, { v: 1, list: [1, 2] }),
          change(name, 'a', 3, { v: 2 }),
          change(name, 'c', 4, { v: 1 }),
          change(name, 'c', 5, null),
          change(name, 'b', 6, { v: 2, nested: { ok: true } }),
        ];
        await store().commitProjectionBatch({ checkpointId, from: null, to: 6n, changes });
        const first = await c.find();
        expect(first).toEqual([
          { _id: 'a', v: 2, _position: 3 },
          { _id: 'b', v: 2, nested: { ok: true }, _position: 6 },
        ]);

        await store().commitProjectionBatch({ checkpointId, from: 6n, to: 6n, changes });
        expect(await c.find()).toEqual(first);

        await store().deleteCheckpoint(checkpointId);
        await store().commitProjectionBatch({ checkpointId, from: null, to: 6n, changes });
        expect(await c.find()).toEqual(first);
        expect(await store().getCheckpoint(checkpointId)).toBe(6n);
      });
    });

    describe('aliases', () => {
      it('gets null until set, then the latest physical name', async () => {
        const logical = uniqueName('runs');
        expect(await store().getAlias(logical)).toBeNull();
        await store().setAlias(logical, `${logical}_v1`);
        expect(await store().getAlias(logical)).toBe(`${logical}_v1`);
        await store().setAlias(logical, `${logical}_v2`);
        expect(await store().getAlias(logical)).toBe(`${logical}_v2`);
      });
    });
  });
}
