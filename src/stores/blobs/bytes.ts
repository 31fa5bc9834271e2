import { createHash, webcrypto } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform, pipeline } from 'node:stream';
import type { BlobInput, BlobRef } from './port.js';
import { BlobCorruptedError, BlobDigestMismatchError, BlobTooLargeError, InvalidBlobArgumentError } from './errors.js';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The same digest computed on libuv's thread pool (WebCrypto), so a large blob does not hold up the event loop. */
export const sha256HexOffThread = async (bytes: Uint8Array): Promise<string> =>
  Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** The input as Buffers; strings and other values are refused, since only bytes are hashed. */
export async function* chunksOf(input: BlobInput): AsyncGenerator<Buffer> {
  if (input instanceof Uint8Array) {
    yield asBuffer(input);
    return;
  }
  if (typeof input !== 'object' || input === null || !(Symbol.asyncIterator in input)) {
    throw new InvalidBlobArgumentError('a blob is a Uint8Array or an async iterable of Uint8Array chunks');
  }
  for await (const chunk of input) {
    if (!(chunk instanceof Uint8Array)) {
      throw new InvalidBlobArgumentError(`blob stream chunks must be Uint8Array, got ${typeof chunk}`);
    }
    if (chunk.byteLength > 0) yield asBuffer(chunk);
  }
}

/**
 * Feeds every chunk of the input to `write` while hashing and counting it; enforces `maxBytes`
 * before writing the chunk that would cross it, and `expectedSha256` at the end. `hashed`: what
 * this function returned for the same in-memory bytes before, so they are written without
 * hashing them again.
 */
export const copyHashing = async (
  input: BlobInput,
  write: (chunk: Buffer) => Promise<void>,
  limits: { maxBytes: number; expectedSha256: string | null },
  hashed?: BlobRef,
): Promise<BlobRef> => {
  if (input instanceof Uint8Array) {
    const bytes = asBuffer(input);
    if (bytes.byteLength > limits.maxBytes) throw new BlobTooLargeError(limits.maxBytes);
    // In-memory bytes were hashed (and checked) before the store looked for them: a PGN upload is
    // hundreds of kilobytes, and hashing it again would cost as much once more.
    const ref = hashed ?? { sha256: await sha256HexOffThread(bytes), size: bytes.byteLength };
    if (limits.expectedSha256 !== null && limits.expectedSha256 !== ref.sha256) {
      throw new BlobDigestMismatchError(limits.expectedSha256, ref.sha256);
    }
    await write(bytes);
    return ref;
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunksOf(input)) {
    size += chunk.byteLength;
    if (size > limits.maxBytes) throw new BlobTooLargeError(limits.maxBytes);
    hash.update(chunk);
    await write(chunk);
  }
  const sha256 = hash.digest('hex');
  if (limits.expectedSha256 !== null && limits.expectedSha256 !== sha256) {
    throw new BlobDigestMismatchError(limits.expectedSha256, sha256);
  }
  return { sha256, size };
};

/** Checks an in-memory blob against its key and length. */
export const checkStoredBytes = (sha256: string, size: number, bytes: Buffer): Buffer => {
  if (bytes.byteLength !== size) {
    throw new BlobCorruptedError(sha256, `read ${bytes.byteLength} bytes, expected ${size}`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new BlobCorruptedError(sha256, `bytes hash to ${actual}`);
  return bytes;
};

/**
 * Passes the source through, hashing it, and fails the stream at its end (instead of ending it)
 * when the bytes do not match. Destroying the returned stream destroys the source.
 */
export const verifiedStream = (source: Readable, sha256: string, size: number): Readable => {
  const hash = createHash('sha256');
  let seen = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.byteLength;
      if (seen > size) {
        callback(new BlobCorruptedError(sha256, `more than the expected ${size} bytes`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (seen !== size) {
        callback(new BlobCorruptedError(sha256, `read ${seen} bytes, expected ${size}`));
        return;
      }
      const actual = hash.digest('hex');
      callback(actual === sha256 ? null : new BlobCorruptedError(sha256, `bytes hash to ${actual}`));
    },
  });
  // pipeline destroys every stream with the first error, so the reader sees it and the source closes.
  return pipeline(source, check, () => undefined);
};

/** Reads a whole stream into memory. */
export const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
