import type { ObjectId } from 'mongodb';
import type { BlobCollections } from './collections.js';
import { pendingFilename } from './collections.js';

/** Removes a file that is certainly not wanted: files document, then chunks, then its pending entry. */
export const discardFile = async (collections: BlobCollections, fileId: ObjectId): Promise<void> => {
  await collections.files.deleteOne({ _id: fileId });
  await collections.chunks.deleteMany({ files_id: fileId });
  await collections.pending.deleteOne({ _id: fileId });
};

/**
 * Removes an upload unless it got committed (renamed to its sha256) after all, which a lost
 * reply can hide from the writer: then it stays, as a blob that other puts may already rely on.
 */
export const abandonUpload = async (collections: BlobCollections, fileId: ObjectId): Promise<void> => {
  await collections.files.deleteOne({ _id: fileId, filename: pendingFilename(fileId) });
  if (await collections.files.findOne({ _id: fileId }, { projection: { _id: 1 } })) {
    await collections.pending.deleteOne({ _id: fileId });
    return;
  }
  await collections.chunks.deleteMany({ files_id: fileId });
  await collections.pending.deleteOne({ _id: fileId });
};

/** Deletes a committed file, journalled so that a crash half-way leaves work for the sweep, not orphan chunks. */
export const deleteFile = async (collections: BlobCollections, fileId: ObjectId): Promise<void> => {
  await collections.pending.updateOne({ _id: fileId }, { $set: { op: 'delete', at: new Date() } }, { upsert: true });
  await discardFile(collections, fileId);
};

/**
 * Finishes work that a dead process left: uploads that never committed lose their chunks,
 * interrupted deletes are completed, committed uploads just lose their entry. Only entries older
 * than `olderThanMs` are touched; live uploads give up before reaching that age.
 */
export const sweepPending = async (collections: BlobCollections, olderThanMs: number): Promise<number> => {
  const cutoff = new Date(Date.now() - olderThanMs);
  let swept = 0;
  for await (const entry of collections.pending.find({ at: { $lt: cutoff } })) {
    if (entry.op === 'upload') await abandonUpload(collections, entry._id);
    else await discardFile(collections, entry._id);
    swept += 1;
  }
  return swept;
};
