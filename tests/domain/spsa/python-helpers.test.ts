import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePythonFloat } from '../../../src/domain/spsa/python/parse-float.js';
import {
  formatFixed,
  formatScientific,
  formatTruncatedInteger,
} from '../../../src/domain/spsa/python/format.js';
import { pyReprStringList } from '../../../src/domain/spsa/python/repr.js';
import { pyStrip } from '../../../src/domain/spsa/python/whitespace.js';
import { pyRoundHalfEven } from '../../../src/domain/spsa/python/arithmetic.js';
import { loadSpsaFixture } from './golden.js';

interface FloatParseCase { text: string; value: number | null }
interface FormatCase { x: number; f2: string; f3: string; e2: string; int: string | null }
interface ReprCase { items: string[]; repr: string }

describe("Python's float(), as upstream's _as_float sees it", () => {
  const cases = loadSpsaFixture<FloatParseCase[]>('float-parse.json');

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('float(%s)', (_, c) => {
    const value = parsePythonFloat(c.text);
    if (c.value === null) expect(value).toBeUndefined();
    else expect(Object.is(value, c.value) || (Number.isNaN(value) && Number.isNaN(c.value))).toBe(true);
  });
});

describe("Python's float formatting", () => {
  const cases = loadSpsaFixture<FormatCase[]>('python-format.json');

  it(`matches '.2f', '.3f', '.2e' and str(int(x)) on ${cases.length} doubles`, () => {
    for (const c of cases) {
      expect([formatFixed(c.x, 2), formatFixed(c.x, 3), formatScientific(c.x, 2)], String(c.x)).toEqual(
        [c.f2, c.f3, c.e2],
      );
      if (c.int !== null) expect(formatTruncatedInteger(c.x), String(c.x)).toBe(c.int);
    }
  });

  it('agrees with toFixed and toExponential away from exact ties', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e20, max: 1e20, noNaN: true }), (x) => {
        const fixed = formatFixed(x, 3);
        const reparsed = Number(fixed);
        expect(Math.abs(reparsed - x)).toBeLessThanOrEqual(0.0005 + Math.abs(x) * 1e-15);
        if (x !== 0) {
          const scientific = formatScientific(x, 2);
          expect(Math.abs(Number(scientific) - x)).toBeLessThanOrEqual(Math.abs(x) * 0.006);
        }
      }),
    );
  });
});

describe("Python's repr of a list of strings", () => {
  it.each(loadSpsaFixture<ReprCase[]>('python-repr.json').map((c) => [c.repr, c] as const))(
    '%s',
    (_, c) => {
      expect(pyReprStringList(c.items)).toBe(c.repr);
    },
  );
});

describe('other Python semantics', () => {
  it('strips what str.strip() strips', () => {
    expect(pyStrip('\x1c\x85\u3000 a b\t\r\n\x0b\x0c\xa0')).toBe('a b');
    expect(pyStrip('\ufeffa\u200b')).toBe('\ufeffa\u200b');
  });

  it('rounds half to even like round()', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999999999999996, 3.5000000000000004].map(pyRoundHalfEven))
      .toEqual([0, 2, 2, 0, -2, 2, 4]);
  });
});
