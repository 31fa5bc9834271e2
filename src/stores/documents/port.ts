/**
 * A JSON document of a read model. `_position` is the global event position last applied to it
 * (set by the projection engine); a number so both backends can compare it natively.
 */
export interface Doc {
  _id: string;
  _position?: number;
  [field: string]: unknown;
}

export interface CollectionSpec {
  /** Fields (dotted paths allowed) that queries may filter and sort on. `_id` is always allowed. */
  indexes: readonly string[];
  /** Fields searched by `text` queries (case-insensitive substring). */
  textFields?: readonly string[];
}

export type FieldValue = string | number | boolean | null;

export interface FieldOperators {
  $eq?: FieldValue;
  $ne?: FieldValue;
  $in?: readonly FieldValue[];
  $gt?: FieldValue;
  $gte?: FieldValue;
  $lt?: FieldValue;
  $lte?: FieldValue;
}

/** A bare value means equality; `null` matches a missing field too. */
export type FieldCondition = FieldValue | FieldOperators;

export type Where = Readonly<Record<string, FieldCondition>>;

export interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

/** Keyset cursor: the sort value and `_id` of the last document of the previous page. */
export interface PageCursor {
  value: FieldValue;
  id: string;
}

export interface FindQuery {
  where?: Where;
  /** Case-insensitive substring match on any of the collection's `textFields`. */
  text?: string;
  /** One sort key; ties are broken by `_id` in the same order. Defaults to `_id` ascending. */
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  /** Keyset paging: documents strictly after this cursor in the sort order. */
  after?: PageCursor;
}

export type CountQuery = Pick<FindQuery, 'where' | 'text'>;

export type WriteOp<T extends Doc = Doc> = { op: 'upsert'; doc: T } | { op: 'delete'; id: string };

export interface DocumentCollection<T extends Doc = Doc> {
  readonly name: string;
  get(id: string): Promise<T | null>;
  getMany(ids: readonly string[]): Promise<T[]>;
  upsert(doc: T): Promise<void>;
  delete(id: string): Promise<void>;
  bulkWrite(ops: readonly WriteOp<T>[]): Promise<void>;
  /** Throws InvalidQueryError for a field that is not declared or an operator that is not supported. */
  find(query?: FindQuery): Promise<T[]>;
  count(query?: CountQuery): Promise<number>;
}

/**
 * A change computed by a projection. It is applied only when the stored document's
 * `_position` is below `position` (or the document is missing), which makes replays no-ops.
 */
export interface GuardedChange {
  collection: string;
  id: string;
  position: number;
  /** The new document (its `_position` is set to `position`), or null to delete it. */
  doc: Doc | null;
}

export interface ProjectionBatch {
  checkpointId: string;
  /** The checkpoint the writer last saw; null when none was stored. */
  from: bigint | null;
  to: bigint;
  changes: readonly GuardedChange[];
}

export interface ReadStore {
  readonly kind: string;
  /** Creates the collection and its indexes when missing; safe to call repeatedly. */
  ensureCollection(name: string, spec: CollectionSpec): Promise<void>;
  collection<T extends Doc = Doc>(name: string, spec: CollectionSpec): DocumentCollection<T>;
  dropCollection(name: string): Promise<void>;
  listCollections(): Promise<string[]>;

  getCheckpoint(id: string): Promise<bigint | null>;
  /**
   * Writes the guarded changes and moves the checkpoint from `from` to `to`, in one
   * transaction where the backend has them. Throws CheckpointConflictError when the stored
   * checkpoint is not `from` (another runner moved it). A stored checkpoint already at `to` is a
   * success without writes: the batch was applied and only its acknowledgement was lost.
   */
  commitProjectionBatch(batch: ProjectionBatch): Promise<void>;
  deleteCheckpoint(id: string): Promise<void>;

  /** Logical read-model name → physical collection serving queries. */
  getAlias(logical: string): Promise<string | null>;
  setAlias(logical: string, physical: string): Promise<void>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
