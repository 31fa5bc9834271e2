/**
 * Everything run creation (and the pages around it) needs to know from GitHub, as upstream's
 * `github_api.py` and `views_run.py` ask it. Two implementations: `offline/` (the default; facts
 * come from the operator, nothing leaves the machine) and `http/` (GitHub's REST API with
 * upstream's rate-limit care).
 *
 * Failures: methods whose answer upstream cannot do without (repository, commits, nets) throw a
 * `GitHubError`; the others answer "unknown" (`null` or `'unknown'`), as upstream skips the
 * check when GitHub does not answer.
 */
export interface GitHubPort {
  readonly mode: 'offline' | 'http';

  /**
   * The repository as GitHub names it now (renamed users and repositories followed), without a
   * trailing slash, and the root of its fork network (`null` when not known).
   */
  describeRepository(repoUrl: string): Promise<RepositoryFacts>;

  /** A branch, tag or SHA of the repository as a commit; `null` when GitHub has no such ref. */
  resolveCommit(repoUrl: string, ref: string): Promise<CommitFacts | null>;

  /**
   * The bench of the latest commit of the repository's default branch that has a "Bench: N"
   * line (upstream `get_master_info`); `null` when unknown, and then the check is skipped.
   */
  latestBench(repoUrl: string): Promise<string | null>;

  /** The SHA of official-stockfish/Stockfish master; `null` when unknown. */
  officialMasterSha(): Promise<string | null>;

  /**
   * Whether `ancestor` is an ancestor of (or equal to) `descendant`; both are 40-hex SHAs,
   * each optionally in a fork (upstream compares `user1:sha1...user2:sha2` inside the official
   * repository). `'unknown'` when it could not be told: callers then neither warn nor promote.
   */
  isAncestor(ancestor: CommitRef, descendant: CommitRef): Promise<Ancestry>;

  /**
   * The network files the engine at this commit loads by default (`EvalFileDefaultName` in
   * `src/evaluate.h`, else `EvalFile` in `src/ucioption.cpp`); `null` when the implementation
   * cannot look (offline without facts).
   */
  networksAt(repoUrl: string, sha: string): Promise<string[] | null>;

  /** GitHub's book catalogue (`books.json` of official-stockfish/books); `null` offline. */
  fetchBookCatalogue(): Promise<unknown>;

  /** The API budget as last seen (upstream's `/api/rate_limit`). */
  rateLimit(): RateLimitStatus;
}

export interface RepositoryFacts {
  /** `https://github.com/<owner>/<repo>`, no trailing slash. */
  readonly canonicalUrl: string;
  /** `https://github.com/<owner>/<repo>` of the fork network's root; `null` when not known. */
  readonly forkRoot: string | null;
}

export interface CommitFacts {
  /** 40 lowercase hex digits. */
  readonly sha: string;
  /** The whole commit message (the first line is the run's `msg_base`/`msg_new`). */
  readonly message: string;
}

export interface CommitRef {
  readonly sha: string;
  /** The repository holding the commit; the official repository when absent. */
  readonly repoUrl?: string;
}

export type Ancestry = 'yes' | 'no' | 'unknown';

export interface RateLimitStatus {
  /** Offline: always the full budget. */
  readonly limit: number;
  readonly remaining: number;
  readonly used: number;
  /** Epoch seconds of the next reset, as GitHub's `x-ratelimit-reset`. */
  readonly reset: number;
  /** Epoch ms until which calls are refused after GitHub said 403/429 with a reset; absent otherwise. */
  readonly blockedUntil?: number;
}

export const OFFICIAL_STOCKFISH = 'https://github.com/official-stockfish/Stockfish';
export const OFFICIAL_BOOKS = 'https://github.com/official-stockfish/books';

export const FULL_SHA = /^[0-9a-f]{40}$/;
export const isFullSha = (ref: string): boolean => FULL_SHA.test(ref);
