import type { Collection, Db, ObjectId } from 'mongodb';
import { GridFSBucket } from 'mongodb';

/** The GridFS files document, as the driver writes it; `filename` is the sha256 once committed. */
export interface GridFsFileDoc {
  _id: ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata?: Record<string, unknown>;
}

/** Work that may leave chunks without a committed file if the process dies half-way. */
export interface PendingDoc {
  _id: ObjectId;
  op: 'upload' | 'delete';
  at: Date;
}

/** `_id` is `<namespace>/<name>`: namespaces cannot contain `/`, and one index serves lookups and listings. */
export interface NameDoc {
  _id: string;
  sha256: string;
  size: number;
  /** JSON text, so metadata keys never meet MongoDB's field-name rules. */
  meta: string;
}

export interface CounterDoc {
  _id: string;
  value: number;
}

export interface BlobCollections {
  bucket: GridFSBucket;
  files: Collection<GridFsFileDoc>;
  chunks: Collection<{ files_id: ObjectId; n: number }>;
  pending: Collection<PendingDoc>;
  names: Collection<NameDoc>;
  counters: Collection<CounterDoc>;
}

/** Everything lives under the bucket's prefix: `<bucket>.files`, `.chunks`, `.pending`, `.names`, `.counters`. */
export const blobCollections = (db: Db, bucketName: string): BlobCollections => ({
  bucket: new GridFSBucket(db, { bucketName }),
  files: db.collection<GridFsFileDoc>(`${bucketName}.files`),
  chunks: db.collection(`${bucketName}.chunks`),
  pending: db.collection<PendingDoc>(`${bucketName}.pending`),
  names: db.collection<NameDoc>(`${bucketName}.names`),
  counters: db.collection<CounterDoc>(`${bucketName}.counters`),
});

export const nameKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** The filename of an upload until it is committed; never 64 hex characters, so never a blob key. */
export const pendingFilename = (fileId: ObjectId): string => `pending-${fileId.toHexString()}`;
