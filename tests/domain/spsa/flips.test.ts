import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { packFlips, spsaFlipsSignature, unpackFlips } from '../../../src/domain/spsa/flips.js';
import type { SpsaFlip } from '../../../src/domain/spsa/types.js';
import { loadSpsaFixture } from './golden.js';

interface FlipsCase {
  flips: SpsaFlip[] | null;
  packed: number[];
  sig: number;
  unpacked: SpsaFlip[];
  unpacked_to_length: SpsaFlip[];
  length?: number;
}

const cases = loadSpsaFixture<FlipsCase[]>('flips.json');

describe('flip packing against upstream _pack_flips, _unpack_flips and zlib.crc32', () => {
  it.each(cases.map((c, index) => [index, c.flips?.length ?? `${c.packed.length} bytes`, c] as const))(
    'case %i (%s)',
    (_, __, c) => {
      const packed = Uint8Array.from(c.packed);
      if (c.flips !== null) expect([...packFlips(c.flips)]).toEqual(c.packed);
      expect(spsaFlipsSignature(packed)).toBe(c.sig);
      expect(unpackFlips(packed)).toEqual(c.unpacked);
      expect(unpackFlips(packed, c.length ?? c.flips?.length)).toEqual(c.unpacked_to_length);
    },
  );

  it('has at least 200 vectors with odd lengths and all-equal flips', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const lengths = cases.flatMap((c) => (c.flips === null ? [] : [c.flips.length]));
    expect(lengths.some((n) => n % 8 !== 0 && n > 8)).toBe(true);
    expect(cases.some((c) => c.flips !== null && c.flips.length > 8 && c.flips.every((f) => f === 1))).toBe(true);
    expect(cases.some((c) => c.flips !== null && c.flips.length > 8 && c.flips.every((f) => f === -1))).toBe(true);
  });
});

describe('flip packing, properties', () => {
  const flipsArbitrary = fc.array(fc.constantFrom<SpsaFlip>(1, -1), { maxLength: 300 });

  it('unpacks what it packed', () => {
    fc.assert(
      fc.property(flipsArbitrary, (flips) => {
        const packed = packFlips(flips);
        expect(packed.length).toBe(Math.ceil(flips.length / 8));
        expect(unpackFlips(packed, flips.length)).toEqual(flips);
        // The padding bits read back as -1.
        expect(unpackFlips(packed).slice(flips.length).every((flip) => flip === -1)).toBe(true);
      }),
    );
  });

  it('gives different signatures to flip vectors that differ in one place', () => {
    fc.assert(
      fc.property(flipsArbitrary.filter((f) => f.length > 0), fc.nat(), (flips, at) => {
        const index = at % flips.length;
        const changed = flips.map((flip, i) => (i === index ? (-flip as SpsaFlip) : flip));
        expect(spsaFlipsSignature(packFlips(changed))).not.toBe(spsaFlipsSignature(packFlips(flips)));
      }),
    );
  });
});
