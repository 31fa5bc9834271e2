import type { Db } from 'mongodb';

/**
 * What a GridFS blob store leaves behind when writes do not complete: pending entries, files
 * documents that were never committed (not named by a sha256), and chunks of no files document.
 */
export const gridFsGarbage = async (db: Db, bucketName = 'blobs'): Promise<number> => {
  const files = await db.collection<{ _id: unknown; filename: string }>(`${bucketName}.files`).find().toArray();
  const fileIds = new Set(files.map((file) => String(file._id)));
  const uncommitted = files.filter((file) => !/^[0-9a-f]{64}$/.test(file.filename)).length;
  const chunkOwners = await db.collection(`${bucketName}.chunks`).distinct('files_id');
  const orphanChunkOwners = chunkOwners.filter((owner) => !fileIds.has(String(owner))).length;
  const pending = await db.collection(`${bucketName}.pending`).countDocuments();
  return uncommitted + orphanChunkOwners + pending;
};

/** FerretDB answers buildInfo with its own version field; it applies updates as read-modify-write without isolation. */
export const serverLosesConcurrentUpdates = async (db: Db): Promise<boolean> => {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
};
