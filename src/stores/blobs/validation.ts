import type { BlobMeta, ListNamesOptions, PutOptions } from './port.js';
import { InvalidBlobArgumentError } from './errors.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const NAMESPACE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Visible ASCII only, so every backend sorts names the same way (byte order). */
const NAME = /^[\x21-\x7e]{1,256}$/;
const PREFIX = /^[\x21-\x7e]{0,256}$/;
const MAX_META_BYTES = 16 * 1024;

/** Sorts after every character a name may contain; closes prefix ranges. */
export const AFTER_LAST_NAME_CHAR = '\x7f';

export const checkSha256 = (sha256: string): string => {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw new InvalidBlobArgumentError(`a blob key is 64 lowercase hex characters, got ${JSON.stringify(sha256)}`);
  }
  return sha256;
};

export const checkNamespace = (namespace: string): string => {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new InvalidBlobArgumentError(
      `a namespace is 1-32 characters of [a-z0-9_-] starting with a letter, got ${JSON.stringify(namespace)}`,
    );
  }
  return namespace;
};

export const checkName = (name: string): string => {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidBlobArgumentError(`a name is 1-256 visible ASCII characters, got ${JSON.stringify(name)}`);
  }
  return name;
};

/** Returns the metadata as JSON text, the form both adapters store. */
export const metaToJson = (meta: BlobMeta | undefined): string => {
  const value: unknown = meta ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidBlobArgumentError('blob metadata is a plain JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidBlobArgumentError(`blob metadata is not JSON: ${(error as Error).message}`);
  }
  if (Buffer.byteLength(json) > MAX_META_BYTES) {
    throw new InvalidBlobArgumentError(`blob metadata is larger than ${MAX_META_BYTES} bytes as JSON`);
  }
  return json;
};

export const metaFromJson = (json: string): BlobMeta => JSON.parse(json) as BlobMeta;

export const checkIncrement = (by: number): number => {
  if (!Number.isSafeInteger(by)) throw new InvalidBlobArgumentError(`a counter moves by a safe integer, got ${String(by)}`);
  return by;
};

export interface NameRange {
  /** Lower bound: inclusive, or exclusive when `fromExclusive`. */
  from: string;
  fromExclusive: boolean;
  /** Exclusive upper bound, or null for none. */
  to: string | null;
  limit: number | null;
}

/** Turns prefix/after/limit into one range over names, so both adapters page the same way. */
export const nameRangeOf = (options: ListNamesOptions | undefined): NameRange => {
  const prefix = options?.prefix ?? '';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new InvalidBlobArgumentError(`a name prefix is up to 256 visible ASCII characters, got ${JSON.stringify(prefix)}`);
  }
  const after = options?.after === undefined ? undefined : checkName(options.after);
  const limit = options?.limit;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidBlobArgumentError(`a listing limit is a non-negative integer, got ${String(limit)}`);
  }
  const useAfter = after !== undefined && after >= prefix;
  return {
    from: useAfter ? after : prefix,
    fromExclusive: useAfter,
    to: prefix === '' ? null : prefix + AFTER_LAST_NAME_CHAR,
    limit: limit ?? null,
  };
};

export const checkPutOptions = (options: PutOptions | undefined): { expectedSha256: string | null; maxBytes: number } => {
  const maxBytes = options?.maxBytes ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new InvalidBlobArgumentError(`maxBytes is a non-negative integer, got ${String(maxBytes)}`);
  }
  return {
    expectedSha256: options?.expectedSha256 === undefined ? null : checkSha256(options.expectedSha256),
    maxBytes,
  };
};
