/** `https://github.com/<user>/<repo>` with an optional `www.`; no trailing slash once stored. */
export const GITHUB_REPO_PATTERN = /^https:\/\/(www\.)?github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export const OFFICIAL_REPO = 'https://github.com/official-stockfish/Stockfish';

/** Upstream `canonicalize_repo_url`: drop the trailing slashes of the URL's path, nothing else. */
export const canonicalizeRepoUrl = (url: string): string => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)(.*)$/s.exec(url);
  if (!match) return url;
  const [, authority = '', path = '', rest = ''] = match;
  if (!path.endsWith('/')) return url;
  return `${authority}${path.replace(/\/+$/, '')}${rest}`;
};
