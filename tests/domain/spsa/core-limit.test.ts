import { describe, expect, it } from 'vitest';
import { spsaCoreLimit, spsaRunAcceptsMoreCores } from '../../../src/domain/spsa/core-limit.js';

describe('SPSA core cap', () => {
  it('is 200000 / sqrt(params), as computed by Python', () => {
    const python: [number, number][] = [
      [1, 200000],
      [2, 141421.3562373095],
      [3, 115470.05383792517],
      [7, 75592.89460184544],
      [100, 20000],
      [12345, 1800.0495020419687],
    ];
    for (const [params, limit] of python) expect(spsaCoreLimit(params)).toBe(limit);
  });

  it('stops handing out tasks only above the cap', () => {
    expect(spsaRunAcceptsMoreCores(20000, 100)).toBe(true);
    expect(spsaRunAcceptsMoreCores(20001, 100)).toBe(false);
  });
});
