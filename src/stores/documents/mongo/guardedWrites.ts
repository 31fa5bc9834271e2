/**
 * The no-transaction half of commitProjectionBatch: position-guarded document writes, then a
 * compare-and-set of the checkpoint. docs/read-store-mongo.md explains why this is enough.
 */
import type { AnyBulkWriteOperation, Collection, Db, Document, Filter } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import type { GuardedChange } from '../port.js';
import { CheckpointConflictError } from '../errors.js';
import { DUPLICATE_KEY, serverCode } from './errors.js';
import { CHECKPOINTS_COLLECTION, TOMBSTONE_FIELD } from './names.js';
import { storedDoc } from './storedDoc.js';
import { chunkedBulkWrite } from './chunkedBulkWrite.js';

export interface CheckpointDoc {
  _id: string;
  /** Decimal text: positions are bigints that may not fit a signed 64-bit integer. */
  position: string;
  updatedAt: Date;
}

type StoredDoc = Document & { _id: string };

/**
 * One change per document: the first one with the highest position, which is the one a
 * sequential guarded apply would leave (a later change at the same position is not above it).
 * Two changes to one document must never be in flight together.
 */
export const coalesceChanges = (changes: readonly GuardedChange[]): Map<string, GuardedChange[]> => {
  const latest = new Map<string, GuardedChange>();
  for (const change of changes) {
    const key = `${change.collection}\u0000${change.id}`;
    const previous = latest.get(key);
    if (!previous || previous.position < change.position) latest.set(key, change);
  }
  const byCollection = new Map<string, GuardedChange[]>();
  for (const change of latest.values()) {
    const list = byCollection.get(change.collection) ?? [];
    list.push(change);
    byCollection.set(change.collection, list);
  }
  return byCollection;
};

/** Matches the stored document only when it is older than `position`; a non-numeric `_position` counts as older. */
export const olderThan = (id: string, position: number): Filter<StoredDoc> => ({
  _id: id,
  $or: [{ _position: { $lt: position } }, { _position: { $not: { $type: 'number' } } }],
});

const replacementOf = (change: GuardedChange): StoredDoc =>
  change.doc === null
    ? { _id: change.id, _position: change.position, [TOMBSTONE_FIELD]: true }
    : { ...storedDoc(change.doc), _id: change.id, _position: change.position };

/**
 * Replace under the guard. With `upsert`, a guard that fails because the stored document is
 * newer makes the server try to insert a second document with the same `_id`, which fails with
 * a duplicate key: that failure means "already newer".
 */
const guardedReplace = (change: GuardedChange, upsert: boolean): AnyBulkWriteOperation<StoredDoc> => ({
  replaceOne: { filter: olderThan(change.id, change.position), replacement: replacementOf(change), upsert },
});

const isDuplicateKeyOnly = (error: unknown): boolean => {
  if (serverCode(error) === DUPLICATE_KEY) return true;
  if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) return false;
  const raw = error.writeErrors as unknown;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as { code?: number }[];
  return list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY);
};

/** One change on its own, where a duplicate key is unambiguous. */
const applyOne = async (collection: Collection<StoredDoc>, change: GuardedChange): Promise<void> => {
  // The second try tells "stored is newer" from losing a race to insert the same new document.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await collection.replaceOne(olderThan(change.id, change.position), replacementOf(change), { upsert: true });
      return;
    } catch (error) {
      if (!isDuplicateKeyOnly(error)) throw error;
    }
  }
};

const writeCollection = async (db: Db, name: string, changes: readonly GuardedChange[]): Promise<void> => {
  const collection = db.collection<StoredDoc>(name);
  // Reading the stored positions first keeps the bulk write free of duplicate-key failures in
  // the usual cases (a replay, a document already newer), and lets documents known to exist be
  // replaced without upsert, which cannot fail at all.
  const stored = await collection
    .find({ _id: { $in: changes.map((c) => c.id) } }, { projection: { _position: 1 } })
    .toArray();
  const storedPosition = new Map(stored.map((doc) => [doc._id, doc._position as unknown]));
  const ops: AnyBulkWriteOperation<StoredDoc>[] = [];
  const pending: GuardedChange[] = [];
  for (const change of changes) {
    const position = storedPosition.get(change.id);
    const exists = storedPosition.has(change.id);
    if (exists && typeof position === 'number' && position >= change.position) continue;
    ops.push(guardedReplace(change, !exists));
    pending.push(change);
  }
  if (ops.length === 0) return;
  try {
    await chunkedBulkWrite(collection, ops, { ordered: false });
  } catch (error) {
    // Only a race with another writer gets here. FerretDB stops a bulk write at its first
    // failure and misreports which operation failed, so redo every change on its own; the
    // guards make the ones already applied no-ops.
    if (!isDuplicateKeyOnly(error)) throw error;
    for (const change of pending) await applyOne(collection, change);
  }
};

/** Writes the changes; each lands only if its document is older than the change (or missing). */
export const applyGuardedChanges = async (db: Db, changes: readonly GuardedChange[]): Promise<void> => {
  const results = await Promise.allSettled(
    [...coalesceChanges(changes)].map(([name, list]) => writeCollection(db, name, list)),
  );
  // Every write has settled before the first failure is reported, so a retry by the caller
  // never overlaps writes of its own earlier attempt.
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
};

export const checkpointsOf = (db: Db): Collection<CheckpointDoc> =>
  db.collection<CheckpointDoc>(CHECKPOINTS_COLLECTION);

export const readCheckpoint = async (db: Db, id: string): Promise<bigint | null> => {
  const found = await checkpointsOf(db).findOne({ _id: id });
  return found ? BigInt(found.position) : null;
};

/**
 * Moves the checkpoint from `from` to `to` only if it still is at `from` (absent when null).
 * Finding it already at `to` also counts as success: see isAlreadyCommitted.
 */
export const compareAndSetCheckpoint = async (
  db: Db,
  id: string,
  from: bigint | null,
  to: bigint,
): Promise<void> => {
  const checkpoints = checkpointsOf(db);
  const updatedAt = new Date();
  if (from === null) {
    try {
      await checkpoints.insertOne({ _id: id, position: to.toString(), updatedAt });
      return;
    } catch (error) {
      if (serverCode(error) !== DUPLICATE_KEY) throw error;
    }
  } else {
    const result = await checkpoints.updateOne(
      { _id: id, position: from.toString() },
      { $set: { position: to.toString(), updatedAt } },
    );
    if (result.matchedCount === 1) return;
  }
  const actual = await readCheckpoint(db, id);
  if (isAlreadyCommitted(actual, to)) return;
  throw new CheckpointConflictError(id, from, actual);
};

/**
 * A checkpoint already at the batch's `to` means every change up to `to` is written: either this
 * very batch was committed and only the acknowledgement was lost (a connection dropped after the
 * server applied the update; without retryable writes nothing else tells), or another runner
 * committed the same range, whose guarded writes leave the same documents. Either way the batch
 * is done, and a conflict would only stop a runner that has nothing to fix.
 */
export const isAlreadyCommitted = (stored: bigint | null, to: bigint): boolean => stored !== null && stored === to;
