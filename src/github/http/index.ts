import { canonicalizeRepoUrl } from '../../domain/runs/create/repository.js';
import { benchFromCommitMessage } from '../../domain/runs/create/validate-submission.js';
import { networksInEvaluateHeader, networksInUciOptions } from '../engineNetworks.js';
import { GitHubError } from '../errors.js';
import type { Ancestry, CommitFacts, CommitRef, GitHubPort, RepositoryFacts } from '../port.js';
import { isFullSha, OFFICIAL_BOOKS, OFFICIAL_STOCKFISH } from '../port.js';
import type { RepoName } from '../repoUrl.js';
import { parseRepoUrl } from '../repoUrl.js';
import type { GitHubHttpClientOptions } from './client.js';
import { createGitHubHttpClient } from './client.js';

export interface HttpGitHubOptions extends GitHubHttpClientOptions {
  /** GitHub's REST API (tests point it at a loopback server). */
  apiUrl?: string;
  /** Raw file contents, which cost no API budget. */
  rawUrl?: string;
}

export const GITHUB_API_URL = 'https://api.github.com';
export const GITHUB_RAW_URL = 'https://raw.githubusercontent.com';

const OFFICIAL = parseRepoUrl(OFFICIAL_STOCKFISH) as RepoName;
const BOOKS = parseRepoUrl(OFFICIAL_BOOKS) as RepoName;

interface RepositoryJson {
  html_url?: unknown;
  fork?: unknown;
  source?: { html_url?: unknown };
  parent?: { html_url?: unknown };
}

interface CommitJson {
  sha?: unknown;
  commit?: { message?: unknown };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const parseJson = <T>(body: string, what: string): T => {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new GitHubError(`GitHub sent malformed JSON for ${what}`, undefined, { cause: err });
  }
};

const repoOf = (repoUrl: string): RepoName => {
  const name = parseRepoUrl(repoUrl);
  if (!name) throw new GitHubError(`${repoUrl} is not a GitHub repository URL`);
  return name;
};

/** A ref in a URL path: each part encoded, the slashes of `feature/x` kept. */
const refPath = (ref: string): string => ref.split('/').map(encodeURIComponent).join('/');

const commitOf = (json: CommitJson): CommitFacts | null => {
  const sha = text(json.sha)?.toLowerCase();
  if (sha === undefined || !isFullSha(sha)) return null;
  return { sha, message: text(json.commit?.message) ?? '' };
};

/** GitHub's REST API through `fetch` (see `client.ts` for the care taken with the budget). */
export const createHttpGitHub = (options: HttpGitHubOptions = {}): GitHubPort => {
  const api = (options.apiUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  const raw = (options.rawUrl ?? GITHUB_RAW_URL).replace(/\/+$/, '');
  const client = createGitHubHttpClient(options);

  const resolveCommit = async (repoUrl: string, ref: string): Promise<CommitFacts | null> => {
    const { owner, repo } = repoOf(repoUrl);
    const answer = await client.get(`${api}/repos/${owner}/${repo}/commits/${refPath(ref)}`, { immutable: isFullSha(ref) });
    return answer.found ? commitOf(parseJson<CommitJson>(answer.body, `commit ${ref}`)) : null;
  };

  const rawFile = async (name: RepoName, sha: string, path: string): Promise<string | null> => {
    const answer = await client.get(`${raw}/${name.owner}/${name.repo}/${refPath(sha)}/${path}`, {
      immutable: isFullSha(sha),
      accept: 'text/plain',
    });
    return answer.found ? answer.body : null;
  };

  return {
    mode: 'http',

    async describeRepository(repoUrl): Promise<RepositoryFacts> {
      const { owner, repo } = repoOf(repoUrl);
      // GitHub redirects a renamed owner or repository to its new name; fetch follows.
      const answer = await client.get(`${api}/repos/${owner}/${repo}`);
      if (!answer.found) throw new GitHubError(`repository not found (${answer.status})`, answer.status);
      const json = parseJson<RepositoryJson>(answer.body, `repository ${owner}/${repo}`);
      const htmlUrl = text(json.html_url);
      if (htmlUrl === undefined) throw new GitHubError(`GitHub sent no html_url for ${owner}/${repo}`);
      const canonicalUrl = canonicalizeRepoUrl(htmlUrl);
      // `source` is the root of the fork network (upstream walks `parent` up to it).
      const root = json.fork === true ? (text(json.source?.html_url) ?? text(json.parent?.html_url)) : canonicalUrl;
      return { canonicalUrl, forkRoot: root === undefined ? null : canonicalizeRepoUrl(root) };
    },

    resolveCommit,

    async latestBench(repoUrl) {
      try {
        const { owner, repo } = repoOf(repoUrl);
        const answer = await client.get(`${api}/repos/${owner}/${repo}/commits`);
        if (!answer.found) return null;
        const commits = parseJson<unknown>(answer.body, `commits of ${owner}/${repo}`);
        if (!Array.isArray(commits)) return null;
        for (const commit of commits as CommitJson[]) {
          const message = text(commit?.commit?.message);
          const bench = message === undefined ? undefined : benchFromCommitMessage(message.trim());
          if (bench !== undefined) return bench;
        }
        return null;
      } catch {
        // Upstream skips the master bench check when GitHub does not answer.
        return null;
      }
    },

    async officialMasterSha() {
      try {
        return (await resolveCommit(OFFICIAL_STOCKFISH, 'master'))?.sha ?? null;
      } catch {
        return null;
      }
    },

    async isAncestor(ancestor: CommitRef, descendant: CommitRef): Promise<Ancestry> {
      if (!isFullSha(ancestor.sha) || !isFullSha(descendant.sha)) return 'unknown';
      if (ancestor.sha === descendant.sha) return 'yes';
      try {
        const user1 = ancestor.repoUrl === undefined ? OFFICIAL.owner : repoOf(ancestor.repoUrl).owner;
        const user2 = descendant.repoUrl === undefined ? OFFICIAL.owner : repoOf(descendant.repoUrl).owner;
        const answer = await client.get(
          `${api}/repos/${OFFICIAL.owner}/${OFFICIAL.repo}/compare/${user1}:${ancestor.sha}...${user2}:${descendant.sha}`,
          { optional: true, immutable: true },
        );
        // Upstream: a SHA GitHub no longer has can never be an ancestor.
        if (!answer.found) return 'no';
        const json = parseJson<{ merge_base_commit?: { sha?: unknown } }>(answer.body, 'a comparison');
        return text(json.merge_base_commit?.sha) === ancestor.sha ? 'yes' : 'no';
      } catch {
        return 'unknown';
      }
    },

    async networksAt(repoUrl, sha) {
      const name = repoOf(repoUrl);
      const header = await rawFile(name, sha, 'src/evaluate.h');
      if (header === null) throw new GitHubError(`src/evaluate.h not found at ${sha}`, 404);
      const nets = networksInEvaluateHeader(header);
      if (nets.length > 0) return nets;
      const options = await rawFile(name, sha, 'src/ucioption.cpp');
      if (options === null) throw new GitHubError(`src/ucioption.cpp not found at ${sha}`, 404);
      return networksInUciOptions(options);
    },

    async fetchBookCatalogue() {
      const answer = await client.get(`${api}/repos/${BOOKS.owner}/${BOOKS.repo}/contents/books.json`, {
        accept: 'application/vnd.github.raw+json',
      });
      if (!answer.found) throw new GitHubError(`books.json not found (${answer.status})`, answer.status);
      return parseJson<unknown>(answer.body, 'books.json');
    },

    rateLimit: () => client.rateLimit(),
  };
};
