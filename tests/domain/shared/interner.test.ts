import { describe, expect, it } from 'vitest';
import { createInterner } from '../../../src/domain/shared/interner.js';

describe('createInterner', () => {
  it('answers an equal tuple with the first one it saw, and keeps different ones apart', () => {
    const interner = createInterner();
    const first = interner.tuple([3, 11, 2] as const);
    expect(interner.tuple(JSON.parse('[3, 11, 2]') as [number, number, number])).toBe(first);
    expect(interner.tuple([3, 12, 0] as const)).not.toBe(first);
    // Same characters, different types: not the same value.
    expect(interner.tuple(['3', '11', '2'] as const)).toEqual(['3', '11', '2']);
    expect(interner.string('Linux 6.1.0')).toBe('Linux 6.1.0');
  });

  it('starts afresh past its limit, still answering equal values', () => {
    const interner = createInterner(2);
    const a = interner.tuple(['a'] as const);
    interner.tuple(['b'] as const);
    interner.tuple(['c'] as const);
    const again = ['a'] as const;
    expect(interner.tuple(again)).toBe(again);
    expect(interner.tuple(['a'] as const)).toBe(again);
    expect(a).toEqual(again);
  });
});
