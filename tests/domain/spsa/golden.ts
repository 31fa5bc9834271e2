import { readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

/**
 * Golden vectors in tests/fixtures/spsa were recorded by calling upstream Fishtest's own SPSA
 * functions (server/fishtest/spsa_workflow.py and spsa_handler.py, with `random.choice`
 * replaced by a feed of explicit flips) and Python's own float(), format() and repr(). JSON
 * has no NaN or infinities; the recorder wrote them as "NaN", "Infinity" and "-Infinity".
 */
export const loadSpsaFixture = <T>(name: string): T => {
  const text = readFileSync(new URL(`../../fixtures/spsa/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    return value;
  }) as T;
};

export const RELATIVE_TOLERANCE = 1e-9;

/** Compares numbers within RELATIVE_TOLERANCE and everything else exactly. */
export const createGoldenComparator = (label: string) => {
  let maxRelativeError = 0;
  let numbersCompared = 0;

  const differences = (actual: unknown, expected: unknown, path: string): string[] => {
    if (typeof expected === 'number') {
      if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${String(actual)}`];
      numbersCompared += 1;
      if (Number.isNaN(expected) && Number.isNaN(actual)) return [];
      if (actual === expected) return [];
      const scale = Math.max(Math.abs(actual), Math.abs(expected));
      const relative = Math.abs(actual - expected) / scale;
      if (!(relative <= RELATIVE_TOLERANCE)) return [`${path}: expected ${expected}, got ${actual}`];
      maxRelativeError = Math.max(maxRelativeError, relative);
      return [];
    }
    if (Array.isArray(expected)) {
      const list = actual instanceof Uint8Array ? [...actual] : actual;
      if (!Array.isArray(list)) return [`${path}: expected an array, got ${String(actual)}`];
      if (list.length !== expected.length) {
        return [`${path}: expected length ${expected.length}, got ${list.length}`];
      }
      return expected.flatMap((item, index) => differences(list[index], item, `${path}[${index}]`));
    }
    if (expected !== null && typeof expected === 'object') {
      if (actual === null || typeof actual !== 'object') {
        return [`${path}: expected an object, got ${String(actual)}`];
      }
      const actualRecord = actual as Record<string, unknown>;
      const expectedRecord = expected as Record<string, unknown>;
      const keys = new Set([...Object.keys(actualRecord), ...Object.keys(expectedRecord)]);
      return [...keys].flatMap((key) =>
        differences(actualRecord[key], expectedRecord[key], `${path}.${key}`),
      );
    }
    return Object.is(actual, expected)
      ? []
      : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  };

  afterAll(() => {
    if (process.env['SPSA_GOLDEN_REPORT']) {
      console.info(`${label}: ${numbersCompared} numbers, max relative error ${maxRelativeError}`);
    }
  });

  return {
    expectMatches(actual: unknown, expected: unknown, context: string): void {
      expect(differences(actual, expected, '$').slice(0, 5), context).toEqual([]);
    },
  };
};

/** Upstream exception names mapped to the failure codes that replace them. */
export const FAILURE_CODE_OF_PYTHON_ERROR: Record<string, string> = {
  ValueError: 'invalid-input',
  OverflowError: 'overflow',
  ZeroDivisionError: 'division-by-zero',
};
