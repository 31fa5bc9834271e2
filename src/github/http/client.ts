import { GitHubError, GitHubRateLimitedError } from '../errors.js';
import type { RateLimitStatus } from '../port.js';
import { createLruCache } from './lruCache.js';
import { createRateLimitTracker, isRateLimitRefusal } from './rateLimit.js';

export interface GitHubHttpClientOptions {
  /** Sent as `Authorization: Bearer …` (5000 calls an hour instead of 60). */
  token?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Per attempt (upstream: 3 s). */
  timeoutMs?: number;
  /** Answers kept for conditional requests (upstream keeps 6000). */
  cacheEntries?: number;
  /** How long an answer that can change (a branch head) is reused without asking GitHub again. */
  freshForMs?: number;
  /** Pause before the single retry of a failed GET. */
  retryDelayMs?: number;
  userAgent?: string;
}

export interface GetOptions {
  /** Refused once more than half of the budget is used (upstream's non-forced calls). */
  optional?: boolean;
  /** The answer can never change (it names commits by SHA): cached without asking again. */
  immutable?: boolean;
  accept?: string;
}

export type Answer = { readonly found: true; readonly body: string } | { readonly found: false; readonly status: number };

export interface GitHubHttpClient {
  get(url: string, options?: GetOptions): Promise<Answer>;
  rateLimit(): RateLimitStatus;
  /** Requests sent to GitHub so far (conditional ones included); for tests and metrics. */
  requestsSent(): number;
}

interface CachedAnswer {
  body: string;
  etag?: string;
  lastModified?: string;
  storedAt: number;
  immutable: boolean;
}

/** Answers that mean "no such thing": unknown repository or ref (404), no commit for that SHA (422), empty repository (409). */
const NOT_FOUND = new Set([404, 409, 422]);
/** Worth one more try (upstream retries GETs once on these). */
const TRANSIENT = new Set([502, 503, 504]);

const DEFAULT_ACCEPT = 'application/vnd.github+json';

const describePath = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

/**
 * GETs against GitHub with upstream's care for the budget, plus what GitHub recommends:
 * - every answer's `x-ratelimit-*` headers are tracked; optional calls are refused once more
 *   than half of the window's budget is used;
 * - a 403/429 that is a rate-limit refusal stops all calls until `retry-after` or
 *   `x-ratelimit-reset` (a minute when neither says), answering from the cache meanwhile;
 * - answers are cached (LRU) with their ETag/Last-Modified, and asked again conditionally, so
 *   an unchanged answer costs a 304; answers about SHAs are never asked again;
 * - 3 s per attempt, one retry of a network failure or a 502/503/504, and a stale cached answer
 *   rather than an error when GitHub is down.
 */
export const createGitHubHttpClient = (options: GitHubHttpClientOptions = {}): GitHubHttpClient => {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const freshForMs = options.freshForMs ?? 60_000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const cache = createLruCache<CachedAnswer>(options.cacheEntries ?? 6_000);
  const limits = createRateLimitTracker(now);
  let sent = 0;

  const headersFor = (accept: string, cached: CachedAnswer | undefined): Record<string, string> => ({
    accept,
    'user-agent': options.userAgent ?? 'fishtest-es',
    'x-github-api-version': '2022-11-28',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(cached?.etag ? { 'if-none-match': cached.etag } : {}),
    ...(cached?.lastModified && !cached.etag ? { 'if-modified-since': cached.lastModified } : {}),
  });

  const attempt = async (url: string, headers: Record<string, string>): Promise<Response> => {
    for (let tries = 1; ; tries += 1) {
      try {
        sent += 1;
        const response = await doFetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
        if (!TRANSIENT.has(response.status) || tries >= 2) return response;
        await response.body?.cancel();
      } catch (err) {
        if (tries >= 2) throw new GitHubError(`GitHub did not answer ${describePath(url)}: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  };

  const get = async (url: string, getOptions: GetOptions = {}): Promise<Answer> => {
    const accept = getOptions.accept ?? DEFAULT_ACCEPT;
    const key = `${accept} ${url}`;
    const cached = cache.get(key);
    const at = now();
    if (cached && (cached.immutable || at - cached.storedAt < freshForMs)) return { found: true, body: cached.body };

    const blockedUntil = limits.blockedUntil();
    if (blockedUntil > 0) {
      if (cached) return { found: true, body: cached.body };
      throw new GitHubRateLimitedError(`GitHub rate limit reached; calls resume at ${new Date(blockedUntil).toISOString()}`, blockedUntil);
    }
    if (getOptions.optional === true && limits.overHalfUsed(at)) {
      if (cached) return { found: true, body: cached.body };
      throw new GitHubRateLimitedError('Rate limit more than 50% consumed.', limits.status().reset * 1000);
    }

    let response: Response;
    try {
      response = await attempt(url, headersFor(accept, cached));
    } catch (err) {
      if (cached) return { found: true, body: cached.body };
      throw err;
    }
    limits.observe(response.headers);

    if (response.status === 304 && cached) {
      cached.storedAt = now();
      return { found: true, body: cached.body };
    }
    if (response.ok) {
      const body = await response.text();
      const etag = response.headers.get('etag');
      const lastModified = response.headers.get('last-modified');
      cache.set(key, {
        body,
        storedAt: now(),
        immutable: getOptions.immutable === true,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
      });
      return { found: true, body };
    }
    await response.body?.cancel();
    if (isRateLimitRefusal(response.status, response.headers)) {
      const until = limits.blockFrom(response.headers, now());
      if (cached) return { found: true, body: cached.body };
      throw new GitHubRateLimitedError(
        `GitHub rate limit reached (${response.status}); calls resume at ${new Date(until).toISOString()}`,
        until,
        response.status,
      );
    }
    if (NOT_FOUND.has(response.status)) return { found: false, status: response.status };
    if (TRANSIENT.has(response.status) && cached) return { found: true, body: cached.body };
    throw new GitHubError(`GitHub answered ${response.status} for ${describePath(url)}`, response.status);
  };

  return { get, rateLimit: () => limits.status(), requestsSent: () => sent };
};
