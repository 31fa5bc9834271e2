import { createGunzip } from 'node:zlib';
import { CARRIAGE_RETURN, EQUALS, LINE_FEED, MINUS, SPACE, TAB, UNDERSCORE } from './asciiBytes.js';

const hasWhitespace = (text: string): boolean =>
  text.includes('\n') || text.includes('\r') || text.includes(' ') || text.includes('\t');

const paddingOf = (last: number | undefined, beforeLast: number | undefined): number =>
  last === EQUALS ? (beforeLast === EQUALS ? 2 : 1) : 0;

/**
 * Strict base64 (whitespace allowed between lines, as encoders wrap); undefined when it is not.
 * Node's decoder skips characters outside the alphabet and stops at padding, so a decoded length
 * short of what the text's length promises means the text was not base64; it also reads the URL
 * alphabet, refused here. Bits after the last byte are not checked (nor are they by Python's
 * decoder). Uploads are hundreds of kilobytes: string scans beat a regular expression tenfold.
 */
export const decodeBase64 = (text: string): Buffer | undefined => {
  const compact = hasWhitespace(text) ? text.replace(/\s+/g, '') : text;
  if (compact.length % 4 !== 0 || compact.includes('-') || compact.includes('_')) return undefined;
  const padding = paddingOf(compact.charCodeAt(compact.length - 1), compact.charCodeAt(compact.length - 2));
  const bytes = Buffer.from(compact, 'base64');
  return bytes.length === (compact.length / 4) * 3 - padding ? bytes : undefined;
};

/** Characters decoded at a time by decodeBase64Bytes: a multiple of 4, small enough for V8's young generation. */
const DECODE_CHUNK_CHARS = 16 * 1024;

/**
 * decodeBase64 for base64 text still in bytes (upload_pgn's body): the same answer, without first
 * making one string of the whole text. A string of a megabyte is allocated outside V8's young
 * generation on every upload; pieces of 16 KiB are not. Each piece decodes to exactly three
 * bytes per four characters unless it holds something else, so the length check stays exact.
 */
export const decodeBase64Bytes = (bytes: Buffer, chunkChars = DECODE_CHUNK_CHARS): Buffer | undefined => {
  // Four native scans; a callback per byte would cost milliseconds on a megabyte.
  if (bytes.includes(SPACE) || bytes.includes(LINE_FEED) || bytes.includes(CARRIAGE_RETURN) || bytes.includes(TAB)) {
    return decodeBase64(bytes.toString('latin1'));
  }
  if (bytes.length % 4 !== 0 || bytes.includes(MINUS) || bytes.includes(UNDERSCORE)) return undefined;
  if (chunkChars <= 0 || chunkChars % 4 !== 0) throw new RangeError('chunkChars must be a positive multiple of 4');
  const expected = (bytes.length / 4) * 3 - paddingOf(bytes[bytes.length - 1], bytes[bytes.length - 2]);
  const decoded = Buffer.allocUnsafe((bytes.length / 4) * 3);
  let written = 0;
  for (let start = 0; start < bytes.length; start += chunkChars) {
    const end = Math.min(bytes.length, start + chunkChars);
    written += decoded.write(bytes.toString('latin1', start, end), written, 'base64');
  }
  return written === expected ? decoded.subarray(0, written) : undefined;
};

/** An upload's base64 text as `uploadedPgnText` gives it, bytes or a string, decoded by the decoder for that form. */
export const decodeUploadedBase64 = (text: Buffer | string): Buffer | undefined =>
  typeof text === 'string' ? decodeBase64(text) : decodeBase64Bytes(text);

/**
 * Output chunk of the validating decompression. Node's default (16 KiB) costs the event loop a
 * callback per chunk: about 2 ms of main-thread time for a 250-game upload, against 0.2 ms here.
 */
const INFLATE_CHUNK_BYTES = 1024 * 1024;

/**
 * Whether the bytes are a complete gzip file: the magic number, then a full decompression into
 * nothing (a truncated or corrupt upload would break every later download of the run's PGNs).
 * The inflating itself runs on libuv's thread pool.
 */
export const isGzip = (bytes: Buffer): Promise<boolean> => {
  if (bytes.length < 18 || bytes.readUInt8(0) !== 0x1f || bytes.readUInt8(1) !== 0x8b) return Promise.resolve(false);
  return new Promise((resolve) => {
    const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
    gunzip.once('end', () => resolve(true));
    gunzip.once('error', () => resolve(false));
    // Flowing with no reader: the inflated bytes are dropped as they come.
    gunzip.resume();
    gunzip.end(bytes);
  });
};
