import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyHashing } from '../../../src/stores/blobs/bytes.js';
import { BlobDigestMismatchError, BlobTooLargeError } from '../../../src/stores/blobs/errors.js';

const noLimits = { maxBytes: Number.MAX_SAFE_INTEGER, expectedSha256: null };

const collect = (): { chunks: Buffer[]; write: (chunk: Buffer) => Promise<void> } => {
  const chunks: Buffer[] = [];
  return { chunks, write: async (chunk) => void chunks.push(chunk) };
};

async function* streamOf(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('copyHashing', () => {
  it('writes every chunk and returns the digest and size of the whole input', async () => {
    const sink = collect();
    const ref = await copyHashing(streamOf('ab', 'cd'), sink.write, noLimits);
    expect(Buffer.concat(sink.chunks).toString()).toBe('abcd');
    expect(ref).toEqual({ sha256: createHash('sha256').update('abcd').digest('hex'), size: 4 });
  });

  it('enforces the size limit and the expected digest', async () => {
    await expect(copyHashing(Buffer.from('abcd'), collect().write, { maxBytes: 3, expectedSha256: null })).rejects.toBeInstanceOf(
      BlobTooLargeError,
    );
    await expect(copyHashing(Buffer.from('abcd'), collect().write, { maxBytes: 10, expectedSha256: '0'.repeat(64) })).rejects.toBeInstanceOf(
      BlobDigestMismatchError,
    );
  });

  it('hashes in-memory bytes (a view into a larger buffer too) and refuses a wrong digest before writing', async () => {
    const whole = Buffer.from('xxa PGN uploadyy');
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, 12);
    const sink = collect();
    const ref = await copyHashing(view, sink.write, noLimits);
    expect(ref).toEqual({ sha256: createHash('sha256').update('a PGN upload').digest('hex'), size: 12 });
    expect(Buffer.concat(sink.chunks).toString()).toBe('a PGN upload');
    const refused = collect();
    await expect(copyHashing(view, refused.write, { maxBytes: 100, expectedSha256: '0'.repeat(64) })).rejects.toBeInstanceOf(BlobDigestMismatchError);
    expect(refused.chunks).toEqual([]);
  });

  it('writes in-memory bytes hashed before without hashing them again', async () => {
    const bytes = Buffer.from('a PGN upload');
    const first = await copyHashing(bytes, async () => undefined, noLimits);
    const sink = collect();
    expect(await copyHashing(bytes, sink.write, noLimits, first)).toBe(first);
    expect(Buffer.concat(sink.chunks)).toEqual(bytes);
    // The ref is taken as given: a different one comes back unchanged, so nothing was recomputed.
    const given = { sha256: 'f'.repeat(64), size: bytes.length };
    expect(await copyHashing(bytes, collect().write, noLimits, given)).toBe(given);
  });

  it('hashes a stream even when given a ref, since only in-memory bytes can have been hashed before', async () => {
    const given = { sha256: 'f'.repeat(64), size: 4 };
    const ref = await copyHashing(streamOf('abcd'), collect().write, noLimits, given);
    expect(ref.sha256).toBe(createHash('sha256').update('abcd').digest('hex'));
  });
});
