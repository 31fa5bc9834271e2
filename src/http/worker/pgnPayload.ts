import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (whitespace allowed between lines, as encoders wrap); undefined when it is not. */
export const decodeBase64 = (text: string): Buffer | undefined => {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
};

/**
 * Whether the bytes are a complete gzip file: the magic number, then a full decompression into
 * nothing (a truncated or corrupt upload would break every later download of the run's PGNs).
 */
export const isGzip = async (bytes: Buffer): Promise<boolean> => {
  if (bytes.length < 18 || bytes.readUInt8(0) !== 0x1f || bytes.readUInt8(1) !== 0x8b) return false;
  try {
    await pipeline(
      Readable.from([bytes]),
      createGunzip(),
      new Writable({
        write: (_chunk, _encoding, done) => done(),
      }),
    );
    return true;
  } catch {
    return false;
  }
};
