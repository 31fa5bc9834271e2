import { crc32 } from 'node:zlib';
import type { SpsaFlip } from './types.js';

/**
 * Packs flips into bytes like numpy's `packbits`: the first flip is the most significant bit
 * of the first byte, +1 is a set bit, anything else a clear bit, and the last byte is padded
 * with clear bits.
 */
export const packFlips = (flips: readonly number[]): Uint8Array => {
  const bytes = new Uint8Array(Math.ceil(flips.length / 8));
  flips.forEach((flip, index) => {
    if (flip === 1) bytes[index >> 3]! |= 0x80 >> (index & 7);
  });
  return bytes;
};

/**
 * The inverse of `packFlips`. Without `length`, every bit of every byte comes back, the
 * padding as -1; with it, the first `length` flips (fewer if the bytes run out).
 */
export const unpackFlips = (packed: Uint8Array, length?: number): SpsaFlip[] => {
  const available = packed.length * 8;
  const count = length === undefined ? available : Math.min(Math.max(length, 0), available);
  const flips: SpsaFlip[] = [];
  for (let index = 0; index < count; index += 1) {
    flips.push((packed[index >> 3]! & (0x80 >> (index & 7))) !== 0 ? 1 : -1);
  }
  return flips;
};

/** The signature `request_spsa` returns and `update_task` must echo: CRC-32 of the packed flips. */
export const spsaFlipsSignature = (packed: Uint8Array): number => crc32(packed);
