import { runInNewContext } from 'node:vm';

/**
 * Matching a run's `arch_filter` (a user-supplied regular expression) against a worker's
 * architecture. Upstream bounds each search to 100 ms against ReDoS; JavaScript regular
 * expressions have no timeout, so the search runs in a VM context with one. Only about thirty
 * architecture names exist, so results are memoised per (pattern, arch).
 */
export type ArchMatch = { readonly kind: 'match' } | { readonly kind: 'no-match' } | { readonly kind: 'error'; readonly message: string };

export type ArchMatcher = (pattern: string, arch: string) => ArchMatch;

export const ARCH_FILTER_TIMEOUT_MS = 100;

export const compileArchFilter = (pattern: string): { ok: true } | { ok: false; message: string } => {
  try {
    new RegExp(pattern);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
};

const searchWithTimeout = (pattern: string, arch: string, timeoutMs: number): ArchMatch => {
  try {
    const found: unknown = runInNewContext('new RegExp(pattern).test(arch)', { pattern, arch }, { timeout: timeoutMs });
    return found === true ? { kind: 'match' } : { kind: 'no-match' };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
};

export const createArchMatcher = (options: { timeoutMs?: number; cacheSize?: number } = {}): ArchMatcher => {
  const timeoutMs = options.timeoutMs ?? ARCH_FILTER_TIMEOUT_MS;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, ArchMatch>();
  return (pattern, arch) => {
    const key = `${arch}\u0000${pattern}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const result = searchWithTimeout(pattern, arch, timeoutMs);
    // Timeouts are cached too: a pattern that needs 100 ms on a 20-character name is
    // pathological, and the scheduler is serialised, so it must not pay for it twice.
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
    return result;
  };
};

/** A shared matcher for callers that do not inject their own. */
export const defaultArchMatcher: ArchMatcher = createArchMatcher();
