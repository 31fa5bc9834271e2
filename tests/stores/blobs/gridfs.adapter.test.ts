import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Db } from 'mongodb';
import { GridFSBucket, MongoClient, ObjectId } from 'mongodb';
import { afterAll, afterEach, expect, it } from 'vitest';
import { BlobStoreUnavailableError } from '../../../src/stores/blobs/errors.js';
import { createGridFsBlobStore } from '../../../src/stores/blobs/gridfs/index.js';
import type { BlobStore } from '../../../src/stores/blobs/port.js';
import { freePort } from '../../support/processes.js';
import { describeWithMongo } from '../../support/ferretdb.js';
import { gridFsGarbage } from './gridfsInspection.js';

const HOUR = 60 * 60 * 1000;

describeWithMongo('GridFS blob store specifics', (mongo) => {
  let admin: MongoClient | null = null;
  const dbs: Db[] = [];
  const stores: BlobStore[] = [];
  const freshDb = (): { db: Db; dbName: string } => {
    admin ??= new MongoClient(mongo.url());
    const dbName = `blob_gridfs_${randomBytes(6).toString('hex')}`;
    const db = admin.db(dbName);
    dbs.push(db);
    return { db, dbName };
  };
  const open = (dbName: string, options: { staleAfterMs?: number; bucketName?: string } = {}): BlobStore => {
    const store = createGridFsBlobStore({ url: mongo.url(), dbName, ...options });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const db of dbs.splice(0)) await db.dropDatabase();
  });
  afterAll(async () => {
    await admin?.close();
  });

  /** Leaves what a process killed half-way through an upload leaves: chunks and a pending entry, maybe a files document. */
  const deadUpload = async (db: Db, at: Date, options: { withFilesDoc: boolean }): Promise<ObjectId> => {
    const id = new ObjectId();
    await db.collection('blobs.pending').insertOne({ _id: id, op: 'upload', at });
    const upload = new GridFSBucket(db, { bucketName: 'blobs' }).openUploadStreamWithId(id, `pending-${id.toHexString()}`, {
      chunkSizeBytes: 1024,
    });
    upload.end(randomBytes(5000));
    await finished(upload);
    if (!options.withFilesDoc) await db.collection('blobs.files').deleteOne({ _id: id });
    return id;
  };

  it('keeps blobs in a GridFS bucket named by sha256, behind a unique filename index', async () => {
    const { db, dbName } = freshDb();
    const store = open(dbName);
    const { sha256 } = await store.put(randomBytes(600_000));
    const files = await db.collection('blobs.files').find().toArray();
    expect(files).toMatchObject([{ filename: sha256, length: 600_000 }]);
    const chunks = await db.collection('blobs.chunks').countDocuments({ files_id: files[0]?._id });
    expect(chunks).toBe(Math.ceil(600_000 / 255 / 1024));
    const indexes = await db.collection('blobs.files').indexes();
    expect(indexes.find((index) => index.name === 'filename_unique')).toMatchObject({ key: { filename: 1 }, unique: true });
    expect(await gridFsGarbage(db)).toBe(0);
  });

  it('keeps stores with different bucket names apart', async () => {
    const { dbName } = freshDb();
    const pgns = open(dbName, { bucketName: 'pgns' });
    const nets = open(dbName, { bucketName: 'nets' });
    const { sha256 } = await pgns.put(Buffer.from('pgn'));
    await pgns.setName('pgn', 'r-1', sha256);
    await pgns.incrementCounter('pgn', 'r-1');
    expect(await nets.has(sha256)).toBe(false);
    expect(await nets.getName('pgn', 'r-1')).toBeNull();
    expect(await nets.getCounter('pgn', 'r-1')).toBe(0);
  });

  it('cleans up after writers that died long ago when it starts, and leaves recent work alone', async () => {
    const { db, dbName } = freshDb();
    const store = open(dbName);
    const committed = await store.put(randomBytes(3000));
    const longAgo = new Date(Date.now() - 3 * HOUR);
    await deadUpload(db, longAgo, { withFilesDoc: false });
    await deadUpload(db, longAgo, { withFilesDoc: true });
    const recent = await deadUpload(db, new Date(), { withFilesDoc: false });
    // A committed upload whose pending entry was never removed, and a delete that stopped half-way.
    const committedId = (await db.collection('blobs.files').findOne({ filename: committed.sha256 }))?._id;
    await db.collection('blobs.pending').insertOne({ _id: committedId, op: 'upload', at: longAgo });
    const halfDeleted = await store.put(randomBytes(4000));
    const halfDeletedId = (await db.collection('blobs.files').findOne({ filename: halfDeleted.sha256 }))?._id;
    await db.collection('blobs.pending').insertOne({ _id: halfDeletedId, op: 'delete', at: longAgo });
    await db.collection('blobs.files').deleteOne({ _id: halfDeletedId });
    expect(await gridFsGarbage(db)).toBe(9);

    const restarted = open(dbName);
    await restarted.ping();
    expect((await restarted.get(committed.sha256))?.byteLength).toBe(3000);
    expect(await restarted.has(halfDeleted.sha256)).toBe(false);
    expect(await db.collection('blobs.chunks').countDocuments({ files_id: halfDeletedId })).toBe(0);
    const pending = await db.collection('blobs.pending').find().toArray();
    expect(pending.map((entry) => String(entry._id))).toEqual([String(recent)]);
    // Only the recent upload (a pending entry and chunks without a files document) remains unfinished.
    expect(await gridFsGarbage(db)).toBe(2);
  });

  it('abandons an upload that outlives half the stale age, so a sweep can never race its commit', async () => {
    const { db, dbName } = freshDb();
    const store = open(dbName, { staleAfterMs: 100 });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield randomBytes(1000);
      await new Promise((resolve) => setTimeout(resolve, 80));
      yield randomBytes(1000);
    }
    await expect(store.put(slow())).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    expect(await db.collection('blobs.files').countDocuments()).toBe(0);
    expect(await gridFsGarbage(db)).toBe(0);
    expect((await store.put(randomBytes(1000))).size).toBe(1000);
  });

  it('turns a burst of increments into a few $inc updates', async () => {
    const { dbName } = freshDb();
    const store = open(dbName);
    await store.ping();
    const values = await Promise.all(Array.from({ length: 100 }, () => store.incrementCounter('nn', 'nn-0123456789ab.nnue')));
    expect(await store.getCounter('nn', 'nn-0123456789ab.nnue')).toBe(100);
    // Increments applied by one update all resolve with that update's result.
    expect(new Set(values).size).toBeLessThanOrEqual(3);
  });

  it('reports an unreachable server as BlobStoreUnavailableError', async () => {
    const port = await freePort();
    const store = createGridFsBlobStore({ url: `mongodb://127.0.0.1:${port}/`, serverSelectionTimeoutMS: 200 });
    stores.push(store);
    await expect(store.ping()).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    await expect(store.put(Buffer.from('x'))).rejects.toBeInstanceOf(BlobStoreUnavailableError);
  });
});
