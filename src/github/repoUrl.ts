import { canonicalizeRepoUrl } from '../domain/runs/create/repository.js';

export interface RepoName {
  readonly owner: string;
  readonly repo: string;
}

const REPO_URL = /^https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/;

/** `owner` and `repo` of a GitHub repository URL (trailing slashes and `.git` ignored); undefined otherwise. */
export const parseRepoUrl = (url: string): RepoName | undefined => {
  const match = REPO_URL.exec(canonicalizeRepoUrl(url.trim()));
  if (!match) return undefined;
  const [, owner = '', repo = ''] = match;
  return { owner, repo };
};

export const repoUrlOf = (name: RepoName): string => `https://github.com/${name.owner}/${name.repo}`;

/** The same repository, compared as GitHub does (names are case-insensitive). */
export const sameRepo = (a: string, b: string): boolean => {
  const [x, y] = [parseRepoUrl(a), parseRepoUrl(b)];
  return x !== undefined && y !== undefined && x.owner.toLowerCase() === y.owner.toLowerCase() && x.repo.toLowerCase() === y.repo.toLowerCase();
};
