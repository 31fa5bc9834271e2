import type { Readable } from 'node:stream';

/** Bytes to store: all at once, or as a stream (a Node Readable of Buffers is an AsyncIterable). */
export type BlobInput = Uint8Array | AsyncIterable<Uint8Array>;

/** A stored blob: its key (lowercase sha256 hex of the bytes) and its length in bytes. */
export interface BlobRef {
  sha256: string;
  size: number;
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Caller data kept beside a name (content type, uploader, ...); small, JSON only. */
export type BlobMeta = { readonly [key: string]: JsonValue };

/** An entry of the name index: `name` in `namespace` refers to the blob `sha256`. */
export interface NamedBlob {
  namespace: string;
  name: string;
  sha256: string;
  size: number;
  meta: BlobMeta;
}

export interface PutOptions {
  /** When given, the put fails with BlobDigestMismatchError (and stores nothing) if the bytes hash differently. */
  expectedSha256?: string;
  /** The put fails with BlobTooLargeError (and stores nothing) once more bytes than this arrive. */
  maxBytes?: number;
}

export interface SetNameOptions {
  /** `upsert` (default) points the name at the blob whatever it pointed at; `create` fails with BlobNameTakenError if the name exists. */
  mode?: 'upsert' | 'create';
}

export interface ListNamesOptions {
  /** Only names starting with this string. */
  prefix?: string;
  /** Only names sorting strictly after this one (keyset paging). */
  after?: string;
  /** At most this many entries; all of them when absent. */
  limit?: number;
}

/**
 * Content-addressed storage for large payloads (PGNs, network files) that never go into events.
 *
 * - Blobs are immutable and keyed by the sha256 of their bytes; storing the same bytes twice
 *   stores them once. A blob is either absent or complete, never partial.
 * - A small name index maps a caller's `(namespace, name)` to a blob, with JSON metadata.
 *   Names are 1-256 visible ASCII characters and list in byte order.
 * - Counters are integers keyed by `(namespace, name)`, independent of the name index, updated
 *   without one event (or one read-modify-write) per increment.
 */
export interface BlobStore {
  readonly kind: string;

  /**
   * Stores the bytes (idempotent) and resolves once they are durable. In-memory bytes are hashed
   * once, before they are written: the caller leaves them unchanged until the promise settles.
   */
  put(input: BlobInput, options?: PutOptions): Promise<BlobRef>;
  has(sha256: string): Promise<boolean>;
  /** Length in bytes, or null when the blob is not stored. */
  size(sha256: string): Promise<number | null>;
  /** The whole blob in memory; for large blobs prefer openRead. Throws BlobCorruptedError when the stored bytes do not hash to the key. */
  get(sha256: string): Promise<Buffer | null>;
  /**
   * A stream of the blob's bytes, or null when it is not stored. The stream is hashed as it is
   * read and ends with a BlobCorruptedError instead of `end` when the bytes do not match the key.
   */
  openRead(sha256: string): Promise<Readable | null>;
  /** Removes the blob and every name pointing at it; false when it was not stored. */
  delete(sha256: string): Promise<boolean>;

  /** Points a name at a stored blob (BlobNotFoundError otherwise) and returns the entry. */
  setName(namespace: string, name: string, sha256: string, meta?: BlobMeta, options?: SetNameOptions): Promise<NamedBlob>;
  getName(namespace: string, name: string): Promise<NamedBlob | null>;
  /** Entries of a namespace in ascending name order. */
  listNames(namespace: string, options?: ListNamesOptions): Promise<NamedBlob[]>;
  /** Removes the name only (the blob stays); false when there was none. */
  deleteName(namespace: string, name: string): Promise<boolean>;

  /** Adds `by` (default 1, any safe integer) and resolves with the value after it was applied. */
  incrementCounter(namespace: string, name: string, by?: number): Promise<number>;
  /** The counter's value; 0 when it was never incremented. */
  getCounter(namespace: string, name: string): Promise<number>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
