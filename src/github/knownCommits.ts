import type { KnownCommit } from './offline/index.js';
import type { GitHubPort } from './port.js';
import { sameRepo } from './repoUrl.js';

/**
 * The port, except that refs the operator resolved already (`--new-sha`, a reschedule) are
 * answered from `commits` without asking GitHub, as upstream's reschedule skips the lookup.
 */
export const withKnownCommits = (github: GitHubPort, commits: readonly KnownCommit[]): GitHubPort => {
  if (commits.length === 0) return github;
  return {
    ...github,
    async resolveCommit(repoUrl, ref) {
      const known = commits.find((commit) => commit.ref === ref && (commit.repoUrl === undefined || sameRepo(commit.repoUrl, repoUrl)));
      return known ? { sha: known.sha.toLowerCase(), message: known.message ?? '' } : github.resolveCommit(repoUrl, ref);
    },
  };
};
