import type { RateLimitStatus } from '../port.js';

/** GitHub's REST budget for a token (or an address): 60 an hour anonymously, 5000 with a token. */
const INITIAL_LIMIT = 5000;

export interface RateLimitTracker {
  /** What GitHub said last (its `x-ratelimit-*` headers of the `core` resource). */
  status(): RateLimitStatus;
  /** Records the headers of an answer. */
  observe(headers: Headers): void;
  /** GitHub refused with 403/429: no call until the time its headers name. */
  blockFrom(headers: Headers, now: number): number;
  /** Epoch ms before which calls are refused; 0 when none. */
  blockedUntil(): number;
  /**
   * Upstream refuses calls it can do without once more than half of the budget of the current
   * window is used (`remaining < used`), keeping the rest for run creation.
   */
  overHalfUsed(now: number): boolean;
}

/** When a refusal names no time, wait this long before asking again. */
const DEFAULT_BLOCK_MS = 60_000;

const header = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
};

export const createRateLimitTracker = (now: () => number): RateLimitTracker => {
  let limit = INITIAL_LIMIT;
  let remaining = INITIAL_LIMIT;
  let used = 0;
  let reset = Math.floor(now() / 1000);
  let known = false;
  let blocked = 0;

  return {
    status: () => ({ limit, remaining, used, reset, ...(blocked > now() ? { blockedUntil: blocked } : {}) }),
    observe(headers) {
      // Search and GraphQL have budgets of their own; only the core one is tracked (as upstream).
      const resource = headers.get('x-ratelimit-resource');
      if (resource !== null && resource !== 'core') return;
      const seen = header(headers, 'x-ratelimit-remaining');
      if (seen === undefined) return;
      remaining = seen;
      limit = header(headers, 'x-ratelimit-limit') ?? limit;
      used = header(headers, 'x-ratelimit-used') ?? Math.max(0, limit - remaining);
      reset = header(headers, 'x-ratelimit-reset') ?? reset;
      known = true;
    },
    blockFrom(headers, at) {
      const retryAfter = header(headers, 'retry-after');
      const resetAt = header(headers, 'x-ratelimit-reset');
      let until: number;
      if (retryAfter !== undefined) until = at + retryAfter * 1000;
      else if (header(headers, 'x-ratelimit-remaining') === 0 && resetAt !== undefined && resetAt * 1000 > at) until = resetAt * 1000;
      else until = at + DEFAULT_BLOCK_MS;
      blocked = Math.max(blocked, until);
      return blocked;
    },
    blockedUntil: () => (blocked > now() ? blocked : 0),
    overHalfUsed: (at) => known && at <= reset * 1000 && remaining < used,
  };
};

/** Whether an answer is GitHub refusing for the budget (primary or secondary limit), not for rights. */
export const isRateLimitRefusal = (status: number, headers: Headers): boolean =>
  status === 429 || (status === 403 && (headers.get('retry-after') !== null || headers.get('x-ratelimit-remaining') === '0'));
