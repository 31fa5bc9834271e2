import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/stores/blobs/port.js';
import {
  BlobCorruptedError,
  BlobDigestMismatchError,
  BlobNameTakenError,
  BlobNotFoundError,
  BlobStoreUnavailableError,
  BlobTooLargeError,
  InvalidBlobArgumentError,
} from '../../src/stores/blobs/errors.js';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Another store on the same backend, as a second process would open it; the suite closes it. */
  openAnother: () => Promise<BlobStore>;
  /** How many physical copies of the blob the backend holds (files on disk, GridFS files documents). */
  storedCopies: (sha256: string) => Promise<number>;
  /** Changes one stored byte of the blob, as damaged storage would. */
  corrupt: (sha256: string) => Promise<void>;
  /** Leftovers of writes that did not complete (temp files, pending uploads, orphan chunks); 0 between operations. */
  garbage: () => Promise<number>;
  /** Why counters may drift when several store instances increment one counter at once; null when they do not. */
  crossInstanceCounterGap: string | null;
  cleanup: () => Promise<void>;
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The bytes in chunks of varied, deterministic sizes, as a network upload arrives. */
async function* chunked(bytes: Uint8Array, sizes: readonly number[] = [1, 7, 4096, 65_536, 100_003]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.byteLength; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function* failingAfter(bytes: Uint8Array, error: Error): AsyncGenerator<Uint8Array> {
  yield* chunked(bytes);
  throw error;
}

const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const sha = (fill: string): string => fill.repeat(64).slice(0, 64);

/**
 * Behaviour every BlobStore adapter must show. Each test gets a fresh fixture (its own directory
 * or database), so adapters whose state is shared between tests (a real server) pass too.
 */
export function describeBlobStoreContract(adapterName: string, setup: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${adapterName}`, () => {
    let fixture: BlobStoreFixture | undefined;
    const others: BlobStore[] = [];
    const current = (): BlobStoreFixture => {
      if (!fixture) throw new Error('fixture not set up');
      return fixture;
    };
    const store = (): BlobStore => current().store;
    const another = async (): Promise<BlobStore> => {
      const opened = await current().openAnother();
      others.push(opened);
      return opened;
    };

    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      try {
        // Every test ends with its operations settled, failed ones included: nothing may be left half-written.
        if (fixture) expect(await fixture.garbage()).toBe(0);
      } finally {
        await fixture?.cleanup();
        fixture = undefined;
      }
    });

    describe('blobs', () => {
      it('stores the empty blob under the sha256 of nothing', async () => {
        const ref = await store().put(new Uint8Array(0));
        expect(ref).toEqual({ sha256: EMPTY_SHA256, size: 0 });
        expect(await store().has(EMPTY_SHA256)).toBe(true);
        expect(await store().size(EMPTY_SHA256)).toBe(0);
        expect((await store().get(EMPTY_SHA256))?.byteLength).toBe(0);
        const stream = await store().openRead(EMPTY_SHA256);
        expect(stream).not.toBeNull();
        expect((await readAll(stream as Readable)).byteLength).toBe(0);
        expect(await store().put(Readable.from([]))).toEqual({ sha256: EMPTY_SHA256, size: 0 });
      });

      it('round-trips a small blob given as bytes, keyed by the sha256 of its bytes', async () => {
        const bytes = Buffer.from('[Event "fishtest"]\n1. e4 e5 *\n');
        const ref = await store().put(bytes);
        expect(ref).toEqual({ sha256: sha256Of(bytes), size: bytes.byteLength });
        expect(await store().get(ref.sha256)).toEqual(bytes);
        expect(await readAll((await store().openRead(ref.sha256)) as Readable)).toEqual(bytes);
        expect(await store().has(ref.sha256)).toBe(true);
        expect(await store().size(ref.sha256)).toBe(bytes.byteLength);
      });

      it('accepts a plain Uint8Array view into a larger buffer, storing only the view', async () => {
        const backing = randomBytes(1000);
        const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 300);
        const ref = await store().put(view);
        expect(ref).toEqual({ sha256: sha256Of(view), size: 300 });
        expect(await store().get(ref.sha256)).toEqual(Buffer.from(view));
      });

      it('round-trips a multi-megabyte blob given as a stream, and streams it back', async () => {
        const bytes = randomBytes(5 * 1024 * 1024 + 123);
        const ref = await store().put(Readable.from(chunked(bytes)));
        expect(ref).toEqual({ sha256: sha256Of(bytes), size: bytes.byteLength });
        expect(await store().size(ref.sha256)).toBe(bytes.byteLength);

        const stream = await store().openRead(ref.sha256);
        if (!stream) throw new Error('blob missing');
        let chunks = 0;
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of stream) {
          chunks += 1;
          size += (chunk as Buffer).byteLength;
          hash.update(chunk as Buffer);
        }
        expect(chunks).toBeGreaterThan(1);
        expect(size).toBe(bytes.byteLength);
        expect(hash.digest('hex')).toBe(ref.sha256);
        expect((await store().get(ref.sha256))?.equals(bytes)).toBe(true);
      });

      it('takes a multi-megabyte blob as bytes and an async iterable alike', async () => {
        const bytes = randomBytes(3 * 1024 * 1024);
        const fromBytes = await store().put(bytes);
        const fromIterable = await store().put(chunked(bytes, [300_000, 5]));
        expect(fromIterable).toEqual(fromBytes);
        expect(await current().storedCopies(fromBytes.sha256)).toBe(1);
      });

      it('stores the same bytes once, however often and however concurrently they are put', async () => {
        const bytes = randomBytes(600_000);
        const first = await store().put(bytes);
        const again = await Promise.all([
          store().put(bytes),
          store().put(Readable.from(chunked(bytes))),
          store().put(chunked(bytes, [1000])),
          store().put(bytes),
        ]);
        for (const ref of again) expect(ref).toEqual(first);
        expect(await current().storedCopies(first.sha256)).toBe(1);

        const fresh = randomBytes(400_000);
        const racing = await Promise.all(Array.from({ length: 4 }, () => store().put(Readable.from(chunked(fresh)))));
        expect(new Set(racing.map((ref) => ref.sha256))).toEqual(new Set([sha256Of(fresh)]));
        expect(await current().storedCopies(sha256Of(fresh))).toBe(1);
        expect((await store().get(sha256Of(fresh)))?.equals(fresh)).toBe(true);
      });

      it('answers null, false or 0 for a blob that is not stored', async () => {
        const missing = sha256Of(Buffer.from('never stored'));
        expect(await store().has(missing)).toBe(false);
        expect(await store().size(missing)).toBeNull();
        expect(await store().get(missing)).toBeNull();
        expect(await store().openRead(missing)).toBeNull();
        expect(await store().delete(missing)).toBe(false);
      });

      it('refuses bytes that do not hash to the expected sha256, and stores nothing', async () => {
        const bytes = randomBytes(10_000);
        const wrong = sha('ab');
        await expect(store().put(bytes, { expectedSha256: wrong })).rejects.toBeInstanceOf(BlobDigestMismatchError);
        await expect(store().put(Readable.from(chunked(bytes)), { expectedSha256: wrong })).rejects.toMatchObject({
          name: 'BlobDigestMismatchError',
          expected: wrong,
          actual: sha256Of(bytes),
        });
        expect(await store().has(sha256Of(bytes))).toBe(false);
        expect(await current().storedCopies(sha256Of(bytes))).toBe(0);
        expect(await store().put(bytes, { expectedSha256: sha256Of(bytes) })).toEqual({ sha256: sha256Of(bytes), size: 10_000 });
      });

      it('refuses more bytes than maxBytes, and stores nothing; exactly maxBytes is fine', async () => {
        const bytes = randomBytes(200_000);
        await expect(store().put(bytes, { maxBytes: 199_999 })).rejects.toBeInstanceOf(BlobTooLargeError);
        await expect(store().put(chunked(bytes), { maxBytes: 100_000 })).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(await store().has(sha256Of(bytes))).toBe(false);
        expect((await store().put(chunked(bytes), { maxBytes: 200_000 })).size).toBe(200_000);
      });

      it('stores nothing when the input stream fails, and passes its error on', async () => {
        const bytes = randomBytes(700_000);
        const failure = new Error('client went away');
        await expect(store().put(Readable.from(failingAfter(bytes, failure)))).rejects.toThrow('client went away');
        expect(await current().storedCopies(sha256Of(bytes))).toBe(0);
        expect(await store().has(sha256Of(bytes))).toBe(false);
        // The store is still usable afterwards.
        expect((await store().put(bytes)).sha256).toBe(sha256Of(bytes));
      });

      it('rejects malformed keys and inputs that are not bytes', async () => {
        for (const bad of ['', 'abc', sha('A'), `${sha('a')}0`, sha('g'), '../../etc/passwd']) {
          await expect(store().has(bad)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().get(bad)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().openRead(bad)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().delete(bad)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        }
        await expect(store().put('text' as unknown as Uint8Array)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        await expect(store().put(Readable.from(['text'], { objectMode: true }) as Readable)).rejects.toBeInstanceOf(
          InvalidBlobArgumentError,
        );
        await expect(store().put(Buffer.from('x'), { maxBytes: -1 })).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        await expect(store().put(Buffer.from('x'), { expectedSha256: 'nope' })).rejects.toBeInstanceOf(
          InvalidBlobArgumentError,
        );
      });

      it('deletes a blob: gone for every reader, and the same bytes can be stored again', async () => {
        const bytes = randomBytes(300_000);
        const { sha256 } = await store().put(bytes);
        expect(await store().delete(sha256)).toBe(true);
        expect(await store().has(sha256)).toBe(false);
        expect(await store().get(sha256)).toBeNull();
        expect(await store().openRead(sha256)).toBeNull();
        expect(await current().storedCopies(sha256)).toBe(0);
        expect(await store().delete(sha256)).toBe(false);
        expect(await store().put(chunked(bytes))).toEqual({ sha256, size: 300_000 });
        expect((await store().get(sha256))?.equals(bytes)).toBe(true);
      });

      it('lets a reader stop half-way without disturbing the store', async () => {
        const bytes = randomBytes(2 * 1024 * 1024);
        const { sha256 } = await store().put(bytes);
        const stream = await store().openRead(sha256);
        if (!stream) throw new Error('blob missing');
        for await (const _chunk of stream) break;
        expect(stream.destroyed).toBe(true);
        expect((await store().get(sha256))?.equals(bytes)).toBe(true);
      });

      it('detects stored bytes that no longer match their key, in get and at the end of a stream', async () => {
        const bytes = randomBytes(800_000);
        const { sha256 } = await store().put(bytes);
        await current().corrupt(sha256);
        await expect(store().get(sha256)).rejects.toBeInstanceOf(BlobCorruptedError);
        const stream = await store().openRead(sha256);
        if (!stream) throw new Error('blob missing');
        await expect(readAll(stream)).rejects.toBeInstanceOf(BlobCorruptedError);
      });
    });

    describe('names', () => {
      it('points a name at a stored blob, with metadata, and finds it again', async () => {
        const bytes = Buffer.from('pgn bytes');
        const { sha256 } = await store().put(bytes);
        const meta = { contentType: 'application/gzip', runId: 'abc', taskId: 3, nested: { ok: true, list: [1, null] } };
        const entry = await store().setName('pgn', 'abc-3', sha256, meta);
        expect(entry).toEqual({ namespace: 'pgn', name: 'abc-3', sha256, size: bytes.byteLength, meta });
        expect(await store().getName('pgn', 'abc-3')).toEqual(entry);
        expect(await store().getName('pgn', 'abc-4')).toBeNull();
        expect(await store().getName('nn', 'abc-3')).toBeNull();
        expect((await store().setName('pgn', 'no-meta', sha256)).meta).toEqual({});
      });

      it('replaces what a name points at by default, and refuses to in create mode', async () => {
        const first = await store().put(Buffer.from('first'));
        const second = await store().put(Buffer.from('second!'));
        const name = 'nn-0123456789ab.nnue';
        await store().setName('nn', name, first.sha256, { v: 1 }, { mode: 'create' });
        await expect(store().setName('nn', name, second.sha256, { v: 2 }, { mode: 'create' })).rejects.toMatchObject({
          name: 'BlobNameTakenError',
          existingSha256: first.sha256,
        });
        await expect(store().setName('nn', name, second.sha256, {}, { mode: 'create' })).rejects.toBeInstanceOf(
          BlobNameTakenError,
        );
        expect(await store().getName('nn', name)).toMatchObject({ sha256: first.sha256, meta: { v: 1 } });
        await store().setName('nn', name, second.sha256, { v: 2 });
        expect(await store().getName('nn', name)).toEqual({
          namespace: 'nn',
          name,
          sha256: second.sha256,
          size: 7,
          meta: { v: 2 },
        });
      });

      it('lets exactly one of several concurrent create-mode setNames win', async () => {
        const refs = await Promise.all(Array.from({ length: 6 }, (_, i) => store().put(Buffer.from(`candidate ${i}`))));
        const results = await Promise.allSettled(refs.map((ref) => store().setName('nn', 'contested', ref.sha256, {}, { mode: 'create' })));
        const winners = results.filter((result) => result.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BlobNameTakenError);
        }
        const stored = await store().getName('nn', 'contested');
        expect(stored?.sha256).toBe((winners[0] as PromiseFulfilledResult<{ sha256: string }>).value.sha256);
      });

      it('refuses to name a blob that is not stored', async () => {
        await expect(store().setName('pgn', 'x-1', sha256Of(Buffer.from('absent')))).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await store().getName('pgn', 'x-1')).toBeNull();
      });

      it('lists a namespace in byte order, by prefix, after a name, and up to a limit', async () => {
        const { sha256 } = await store().put(Buffer.from('shared'));
        const run = 'a'.repeat(24);
        const names = [`${run}-0`, `${run}-1`, `${run}-10`, `${run}-2`, `${'b'.repeat(24)}-0`, 'Z', 'a', 'a-', '~tilde'];
        for (const name of [...names].reverse()) await store().setName('pgn', name, sha256, { name });
        await store().setName('nn', `${run}-5`, sha256);

        const all = await store().listNames('pgn');
        expect(all.map((e) => e.name)).toEqual([...names].sort());
        expect(all.every((e) => e.namespace === 'pgn' && e.sha256 === sha256 && e.size === 6 && e.meta.name === e.name)).toBe(true);

        const ofRun = await store().listNames('pgn', { prefix: `${run}-` });
        expect(ofRun.map((e) => e.name)).toEqual([`${run}-0`, `${run}-1`, `${run}-10`, `${run}-2`]);
        expect((await store().listNames('pgn', { prefix: `${run}-1` })).map((e) => e.name)).toEqual([`${run}-1`, `${run}-10`]);
        expect((await store().listNames('pgn', { prefix: `${run}-`, limit: 2 })).map((e) => e.name)).toEqual([`${run}-0`, `${run}-1`]);
        expect((await store().listNames('pgn', { prefix: `${run}-`, after: `${run}-1` })).map((e) => e.name)).toEqual([
          `${run}-10`,
          `${run}-2`,
        ]);
        const sorted = [...names].sort();
        expect((await store().listNames('pgn', { after: 'a-', limit: 1 })).map((e) => e.name)).toEqual([
          sorted[sorted.indexOf('a-') + 1],
        ]);
        expect((await store().listNames('pgn', { after: '~tilde' })).map((e) => e.name)).toEqual([]);
        expect(await store().listNames('pgn', { prefix: `${run}-`, limit: 0 })).toEqual([]);
        expect(await store().listNames('pgn', { prefix: 'nothing' })).toEqual([]);
        expect(await store().listNames('other')).toEqual([]);
        expect((await store().listNames('nn')).map((e) => e.name)).toEqual([`${run}-5`]);

        // Paging through with `after` visits every entry once.
        const paged: string[] = [];
        for (let page = await store().listNames('pgn', { limit: 4 }); page.length > 0; ) {
          paged.push(...page.map((e) => e.name));
          page = await store().listNames('pgn', { limit: 4, after: page[page.length - 1]?.name });
        }
        expect(paged).toEqual([...names].sort());
      });

      it('deletes a name without touching its blob; deleting the blob removes every name of it', async () => {
        const kept = await store().put(Buffer.from('kept'));
        const doomed = await store().put(Buffer.from('doomed'));
        await store().setName('pgn', 'r-1', doomed.sha256);
        await store().setName('pgn', 'r-2', doomed.sha256);
        await store().setName('nn', 'r-1', doomed.sha256);
        await store().setName('pgn', 'r-3', kept.sha256);

        expect(await store().deleteName('pgn', 'r-3')).toBe(true);
        expect(await store().deleteName('pgn', 'r-3')).toBe(false);
        expect(await store().has(kept.sha256)).toBe(true);

        expect(await store().delete(doomed.sha256)).toBe(true);
        expect(await store().getName('pgn', 'r-1')).toBeNull();
        expect(await store().getName('pgn', 'r-2')).toBeNull();
        expect(await store().getName('nn', 'r-1')).toBeNull();
        expect(await store().listNames('pgn')).toEqual([]);
      });

      it('rejects malformed namespaces, names, metadata and listing options', async () => {
        const { sha256 } = await store().put(Buffer.from('x'));
        for (const namespace of ['', 'PGN', '1pgn', 'a/b', 'x'.repeat(33)]) {
          await expect(store().setName(namespace, 'n', sha256)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().getName(namespace, 'n')).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().listNames(namespace)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().incrementCounter(namespace, 'n')).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        }
        for (const name of ['', 'with space', 'tab\t', 'é', 'x'.repeat(257)]) {
          await expect(store().setName('pgn', name, sha256)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().getName('pgn', name)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
          await expect(store().getCounter('pgn', name)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        }
        await expect(store().setName('pgn', 'n', sha256, [] as unknown as Record<string, never>)).rejects.toBeInstanceOf(
          InvalidBlobArgumentError,
        );
        await expect(store().setName('pgn', 'n', sha256, { big: 'x'.repeat(20_000) })).rejects.toBeInstanceOf(
          InvalidBlobArgumentError,
        );
        await expect(store().setName('pgn', 'n', 'not-a-key')).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        await expect(store().listNames('pgn', { limit: -1 })).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        await expect(store().listNames('pgn', { limit: 1.5 })).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        await expect(store().listNames('pgn', { prefix: 'a b' })).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        expect(await store().getName('pgn', 'n')).toBeNull();
      });
    });

    describe('counters', () => {
      it('starts at 0, adds 1 by default or any integer, and returns the new value', async () => {
        expect(await store().getCounter('nn', 'nn-0123456789ab.nnue')).toBe(0);
        expect(await store().incrementCounter('nn', 'nn-0123456789ab.nnue')).toBe(1);
        expect(await store().incrementCounter('nn', 'nn-0123456789ab.nnue', 41)).toBe(42);
        expect(await store().incrementCounter('nn', 'nn-0123456789ab.nnue', -2)).toBe(40);
        expect(await store().getCounter('nn', 'nn-0123456789ab.nnue')).toBe(40);
        expect(await store().getCounter('pgn', 'nn-0123456789ab.nnue')).toBe(0);
        expect(await store().incrementCounter('nn', 'big', 2 ** 40)).toBe(2 ** 40);
        expect(await store().incrementCounter('nn', 'big', 2 ** 40)).toBe(2 ** 41);
      });

      it('loses no increment when many arrive at once', async () => {
        const keys = ['nn-aaaaaaaaaaaa.nnue', 'nn-bbbbbbbbbbbb.nnue', 'nn-cccccccccccc.nnue'];
        const perKey = 150;
        const results = await Promise.all(
          Array.from({ length: perKey * keys.length }, (_, i) => store().incrementCounter('nn', keys[i % keys.length] ?? '')),
        );
        for (const key of keys) expect(await store().getCounter('nn', key)).toBe(perKey);
        // Each increment resolves with a value that already includes it.
        expect(results.every((value) => value >= 1 && value <= perKey)).toBe(true);
        expect(Math.max(...results)).toBe(perKey);
      });

      it('is independent of the name index', async () => {
        await store().incrementCounter('nn', 'unnamed', 3);
        expect(await store().getName('nn', 'unnamed')).toBeNull();
        const { sha256 } = await store().put(Buffer.from('named'));
        await store().setName('nn', 'named', sha256);
        await store().incrementCounter('nn', 'named');
        await store().deleteName('nn', 'named');
        expect(await store().getCounter('nn', 'named')).toBe(1);
      });

      it('rejects increments that are not safe integers', async () => {
        for (const by of [0.5, Number.NaN, Infinity, 2 ** 53]) {
          await expect(store().incrementCounter('nn', 'x', by)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
        }
        expect(await store().getCounter('nn', 'x')).toBe(0);
      });

      it('stays exact when two store instances increment one counter at once', async (context) => {
        const gap = current().crossInstanceCounterGap;
        if (gap) context.skip(gap);
        const other = await another();
        const perStore = 100;
        await Promise.all(
          Array.from({ length: perStore * 2 }, (_, i) => (i % 2 === 0 ? store() : other).incrementCounter('nn', 'shared')),
        );
        expect(await store().getCounter('nn', 'shared')).toBe(perStore * 2);
        expect(await other.getCounter('nn', 'shared')).toBe(perStore * 2);
      });
    });

    describe('the store as a whole', () => {
      it('shows blobs, names and counters to another instance on the same backend', async () => {
        const bytes = randomBytes(100_000);
        const { sha256 } = await store().put(bytes);
        await store().setName('pgn', 'r-7', sha256, { k: 'v' });
        await store().incrementCounter('pgn', 'r-7', 5);
        const other = await another();
        expect((await other.get(sha256))?.equals(bytes)).toBe(true);
        expect(await other.getName('pgn', 'r-7')).toEqual({ namespace: 'pgn', name: 'r-7', sha256, size: 100_000, meta: { k: 'v' } });
        expect(await other.getCounter('pgn', 'r-7')).toBe(5);
        expect(await other.put(bytes)).toEqual({ sha256, size: 100_000 });
        expect(await current().storedCopies(sha256)).toBe(1);
      });

      it('answers ping while open and refuses work once closed', async () => {
        await store().ping();
        const other = await another();
        await other.ping();
        await other.close();
        await other.close();
        await expect(other.ping()).rejects.toBeInstanceOf(BlobStoreUnavailableError);
        await expect(other.has(EMPTY_SHA256)).rejects.toBeInstanceOf(BlobStoreUnavailableError);
        await expect(other.put(Buffer.from('late'))).rejects.toBeInstanceOf(BlobStoreUnavailableError);
        await store().ping();
      });
    });
  });
}
