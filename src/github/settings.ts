import path from 'node:path';
import { z } from 'zod';

const httpUrl = (setting: string) =>
  z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/, `${setting} must be an http(s) URL`)
    .transform((value) => value.replace(/\/+$/, ''))
    .optional();

const schema = z.object({
  GITHUB_MODE: z.enum(['offline', 'http']).default('offline'),
  GITHUB_TOKEN: z.string().trim().min(1).optional(),
  GITHUB_API_URL: httpUrl('GITHUB_API_URL'),
  GITHUB_RAW_URL: httpUrl('GITHUB_RAW_URL'),
  BOOKS_FILE: z.string().trim().min(1).optional(),
  BOOKS_SYNC_INTERVAL_S: z.coerce.number().int().min(60).max(86_400).default(900),
});

/**
 * Settings of the GitHub port and the book registry:
 * - `GITHUB_MODE`: `offline` (default: facts come from the operator, no network) or `http`;
 * - `GITHUB_TOKEN`: optional token for `http` (5000 API calls an hour instead of 60);
 * - `GITHUB_API_URL`, `GITHUB_RAW_URL`: GitHub's hosts, replaceable (a proxy or a test server);
 * - `BOOKS_FILE`: a `books.json` that fills the book registry the first time it is read;
 * - `BOOKS_SYNC_INTERVAL_S`: in `http` mode, how often GitHub's `books.json` is read (900 s, as upstream).
 */
export interface GitHubSettings {
  mode: 'offline' | 'http';
  token?: string;
  apiUrl?: string;
  rawUrl?: string;
  /** Absolute path. */
  booksFile?: string;
  booksSyncIntervalMs: number;
}

export class GitHubSettingsError extends Error {
  override readonly name = 'GitHubSettingsError';
}

export const loadGitHubSettings = (env: NodeJS.ProcessEnv = process.env): GitHubSettings => {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? 'configuration');
    throw new GitHubSettingsError(`Invalid setting ${setting}: ${issue?.message ?? 'invalid value'}`);
  }
  const value = parsed.data;
  return {
    mode: value.GITHUB_MODE,
    ...(value.GITHUB_TOKEN === undefined ? {} : { token: value.GITHUB_TOKEN }),
    ...(value.GITHUB_API_URL === undefined ? {} : { apiUrl: value.GITHUB_API_URL }),
    ...(value.GITHUB_RAW_URL === undefined ? {} : { rawUrl: value.GITHUB_RAW_URL }),
    ...(value.BOOKS_FILE === undefined ? {} : { booksFile: path.resolve(value.BOOKS_FILE) }),
    booksSyncIntervalMs: value.BOOKS_SYNC_INTERVAL_S * 1000,
  };
};
