import { createHttpGitHub } from './http/index.js';
import { createOfflineGitHub, type OfflineGitHubOptions } from './offline/index.js';
import type { GitHubPort } from './port.js';
import type { GitHubSettings } from './settings.js';

export type { Ancestry, CommitFacts, CommitRef, GitHubPort, RateLimitStatus, RepositoryFacts } from './port.js';
export { isFullSha, OFFICIAL_BOOKS, OFFICIAL_STOCKFISH } from './port.js';
export { GitHubError, GitHubRateLimitedError } from './errors.js';
export type { GitHubSettings } from './settings.js';
export { GitHubSettingsError, loadGitHubSettings } from './settings.js';
export { createOfflineGitHub } from './offline/index.js';
export type { KnownCommit, OfflineGitHubOptions } from './offline/index.js';
export { createHttpGitHub } from './http/index.js';
export { withKnownCommits } from './knownCommits.js';
export { masterNetsOfApprovedRun } from './masterNets.js';
export type { FactSources, FactsResult } from './submissionFacts.js';
export { gatherSubmissionFacts } from './submissionFacts.js';
export type { HttpGitHubOptions } from './http/index.js';

/** The port the settings name; offline facts (known commits, nets) only matter in offline mode. */
export const createGitHub = (settings: GitHubSettings, offline: OfflineGitHubOptions = {}): GitHubPort =>
  settings.mode === 'http'
    ? createHttpGitHub({
        ...(settings.token === undefined ? {} : { token: settings.token }),
        ...(settings.apiUrl === undefined ? {} : { apiUrl: settings.apiUrl }),
        ...(settings.rawUrl === undefined ? {} : { rawUrl: settings.rawUrl }),
      })
    : createOfflineGitHub(offline);
