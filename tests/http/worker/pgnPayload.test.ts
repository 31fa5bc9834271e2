import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Bytes, isGzip } from '../../../src/http/worker/pgnPayload.js';

const games = (count: number): Buffer => {
  let text = '';
  for (let game = 1; game <= count; game += 1) text += `[Event "check"]\n[Round "${game}"]\n\n1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 ${game % 3 === 0 ? '1-0' : '1/2-1/2'}\n\n`;
  return Buffer.from(text);
};

describe('PGN upload payload', () => {
  it('accepts a whole gzip file, one member or several, larger than one output chunk', async () => {
    const big = gzipSync(games(40_000));
    expect(big.length).toBeGreaterThan(18);
    expect(await isGzip(big)).toBe(true);
    expect(await isGzip(Buffer.concat([gzipSync(games(10)), gzipSync(games(20))]))).toBe(true);
  });

  it('refuses a truncated, corrupt or non-gzip payload', async () => {
    const whole = gzipSync(games(200));
    expect(await isGzip(whole.subarray(0, whole.length - 9))).toBe(false);
    const corrupt = Buffer.from(whole);
    corrupt[Math.floor(corrupt.length / 2)]! ^= 0xff;
    expect(await isGzip(corrupt)).toBe(false);
    const crcBroken = Buffer.from(whole);
    crcBroken[crcBroken.length - 6]! ^= 0x01;
    expect(await isGzip(crcBroken)).toBe(false);
    expect(await isGzip(Buffer.from('not gzip at all, but long enough'))).toBe(false);
  });

  it('decodes strict base64, with line breaks allowed', () => {
    expect(decodeBase64('aGVs\nbG8=')?.toString()).toBe('hello');
    expect(decodeBase64('aGVs\r\n bG8=')?.toString()).toBe('hello');
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
    expect(decodeBase64('+/8=')).toEqual(Buffer.from([0xfb, 0xff]));
    for (const invalid of ['aGVsbG8', 'aGV*bG8=', 'aGVébG8=', '-_8=', 'QQ==QUJD', 'QQ=A', 'Q===', '====', 'aGVs\u00a0bG8=']) {
      expect(decodeBase64(invalid), invalid).toBeUndefined();
    }
  });

  it('decodes base64 held as bytes as it decodes the same text as a string, in pieces or whole', () => {
    const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
    const big = gzipSync(games(2_000));
    expect(decodeBase64Bytes(latin1(big.toString('base64')))).toEqual(big);
    expect(decodeBase64Bytes(latin1(big.toString('base64')), 8)).toEqual(big);
    expect(decodeBase64Bytes(latin1('aGVs\nbG8='))?.toString()).toBe('hello');
    expect(decodeBase64Bytes(Buffer.alloc(0))).toEqual(Buffer.alloc(0));
    // A view into a larger buffer reads only its own bytes.
    expect(decodeBase64Bytes(latin1('xxQUJDxx').subarray(2, 6))?.toString()).toBe('ABC');
    for (const invalid of ['aGVsbG8', 'aGV*bG8=', 'aGVébG8=', '-_8=', 'QQ==QUJD', 'QQ=A', 'Q===', '====', 'QUI=QUJD']) {
      expect(decodeBase64Bytes(latin1(invalid), 4), invalid).toBeUndefined();
      expect(decodeBase64Bytes(latin1(invalid)), invalid).toBeUndefined();
    }
    expect(() => decodeBase64Bytes(latin1('QUJD'), 6)).toThrow(RangeError);
  });

  it('agrees with the string decoder on any text, whatever the size of the pieces', () => {
    const alphabet = fc.constantFrom(...'ABCQUJDabz019+/=-_* \n\té'.split(''));
    const text = fc.oneof(
      fc.array(alphabet, { maxLength: 40 }).map((chars) => chars.join('')),
      fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 6 }), (value, quarters) => {
        const expected = decodeBase64(value);
        expect(decodeBase64Bytes(Buffer.from(value, 'latin1'), quarters * 4)).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});
