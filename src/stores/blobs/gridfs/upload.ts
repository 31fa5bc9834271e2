import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ObjectId } from 'mongodb';
import type { BlobInput, BlobRef } from '../port.js';
import { BlobStoreUnavailableError } from '../errors.js';
import { copyHashing } from '../bytes.js';
import type { BlobCollections } from './collections.js';
import { pendingFilename } from './collections.js';
import { abandonUpload, discardFile } from './pending.js';

const writeChunk = (stream: Writable, chunk: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    // The callback runs once the driver has taken the chunk (and inserted any full GridFS chunk): backpressure.
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });

/**
 * Uploads under a unique pending filename, then commits by renaming the files document to the
 * sha256: one single-document update, so readers (who look files up by sha256) see the blob
 * complete or not at all. A `pending` entry covers the upload until then, so chunks of a writer
 * that dies half-way are found and removed later.
 */
export const uploadBlob = async (
  collections: BlobCollections,
  input: BlobInput,
  limits: { maxBytes: number; expectedSha256: string | null },
  maxUploadMs: number,
  hashed?: BlobRef,
): Promise<BlobRef> => {
  const fileId = new ObjectId();
  const startedAt = Date.now();
  await collections.pending.insertOne({ _id: fileId, op: 'upload', at: new Date(startedAt) });
  const upload = collections.bucket.openUploadStreamWithId(fileId, pendingFilename(fileId));
  let ref: BlobRef;
  try {
    ref = await copyHashing(input, (chunk) => writeChunk(upload, chunk), limits, hashed);
    upload.end();
    await finished(upload);
  } catch (error) {
    await upload.abort().catch(() => undefined);
    await abandonUpload(collections, fileId).catch(() => undefined);
    throw error;
  }

  try {
    // Past this age the sweep of another process may already treat the upload as abandoned.
    if (Date.now() - startedAt > maxUploadMs) {
      throw new BlobStoreUnavailableError(`blob upload took longer than ${maxUploadMs} ms and was abandoned`);
    }
    const existing = await collections.files.findOne({ filename: ref.sha256 }, { projection: { _id: 1 } });
    if (existing) {
      await discardFile(collections, fileId);
      return ref;
    }
    try {
      await collections.files.updateOne({ _id: fileId }, { $set: { filename: ref.sha256 } });
    } catch (error) {
      // A concurrent put of the same bytes won the unique filename (MongoDB reports 11000,
      // FerretDB 1.24 an InternalError), or the reply was lost: the stored state decides.
      const winner = await collections.files.findOne({ filename: ref.sha256 }, { projection: { _id: 1 } });
      if (!winner) throw error;
      if (!winner._id.equals(fileId)) await discardFile(collections, fileId);
    }
  } catch (error) {
    await abandonUpload(collections, fileId).catch(() => undefined);
    throw error;
  }
  await collections.pending.deleteOne({ _id: fileId });
  return ref;
};
