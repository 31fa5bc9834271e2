import { canonicalizeRepoUrl } from '../../domain/runs/create/repository.js';
import { GitHubError } from '../errors.js';
import type { Ancestry, CommitFacts, GitHubPort, RateLimitStatus, RepositoryFacts } from '../port.js';
import { isFullSha } from '../port.js';
import { parseRepoUrl, sameRepo } from '../repoUrl.js';

/** A commit the operator vouches for: `ref` (a branch, tag or SHA) of `repoUrl` (any repository when absent). */
export interface KnownCommit {
  readonly ref: string;
  readonly sha: string;
  readonly message?: string;
  readonly repoUrl?: string;
}

export interface OfflineGitHubOptions {
  readonly commits?: readonly KnownCommit[];
  readonly officialMasterSha?: string;
  /** Default nets of the engine at a SHA. */
  readonly networks?: Readonly<Record<string, readonly string[]>>;
  /** The bench of the tests repository's master, when the operator knows it. */
  readonly latestBench?: string;
}

const FULL_BUDGET: RateLimitStatus = { limit: 5000, remaining: 5000, used: 0, reset: 0 };

/**
 * GitHub without the network: every fact comes from the operator (the options), or is unknown.
 *
 * - A ref resolves when it was given as a known commit, or when it already is a 40-hex SHA (its
 *   commit message is then empty unless given); any other ref is not found ("Unable to find
 *   branch!").
 * - Repositories are taken as typed (trailing slashes dropped); the fork root is unknown, so the
 *   fork rule never fires.
 * - The master bench check is skipped unless `latestBench` is given (upstream skips it when
 *   GitHub does not answer).
 * - Ancestry is `'unknown'` except for a commit and itself: pages show no ancestry warning and
 *   approval promotes no net (`nn promote` does it by hand).
 */
export const createOfflineGitHub = (options: OfflineGitHubOptions = {}): GitHubPort => {
  const commits = options.commits ?? [];

  const known = (repoUrl: string, ref: string): KnownCommit | undefined =>
    commits.find((commit) => commit.ref === ref && (commit.repoUrl === undefined || sameRepo(commit.repoUrl, repoUrl))) ??
    commits.find((commit) => commit.sha === ref.toLowerCase() && (commit.repoUrl === undefined || sameRepo(commit.repoUrl, repoUrl)));

  return {
    mode: 'offline',

    async describeRepository(repoUrl): Promise<RepositoryFacts> {
      if (parseRepoUrl(repoUrl) === undefined) throw new GitHubError(`${repoUrl} is not a GitHub repository URL`);
      return { canonicalUrl: canonicalizeRepoUrl(repoUrl.trim()), forkRoot: null };
    },

    async resolveCommit(repoUrl, ref): Promise<CommitFacts | null> {
      const commit = known(repoUrl, ref);
      if (commit) return { sha: commit.sha.toLowerCase(), message: commit.message ?? '' };
      const sha = ref.trim().toLowerCase();
      return isFullSha(sha) ? { sha, message: '' } : null;
    },

    latestBench: async () => options.latestBench ?? null,
    officialMasterSha: async () => options.officialMasterSha ?? null,

    async isAncestor(ancestor, descendant): Promise<Ancestry> {
      return ancestor.sha === descendant.sha ? 'yes' : 'unknown';
    },

    async networksAt(_repoUrl, sha) {
      const names = options.networks?.[sha];
      return names === undefined ? null : [...names];
    },

    fetchBookCatalogue: async () => null,
    rateLimit: () => FULL_BUDGET,
  };
};
