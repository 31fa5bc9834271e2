import path from 'node:path';
import { z } from 'zod';
import type { GitHubSettings } from '../github/settings.js';
import { GitHubSettingsError, loadGitHubSettings } from '../github/settings.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const storeUrl = (setting: string, schemes: readonly string[]) =>
  z
    .string()
    .trim()
    .refine((value) => schemes.some((scheme) => value.startsWith(scheme)), {
      message: `${setting} must start with one of ${schemes.join(', ')}`,
    })
    .optional();

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  EVENT_STORE_URL: storeUrl('EVENT_STORE_URL', ['sqlite:', 'kurrentdb://', 'kurrentdb+discover://', 'esdb://', 'esdb+discover://']),
  READ_STORE_URL: storeUrl('READ_STORE_URL', ['sqlite:', 'mongodb://', 'mongodb+srv://']),
  BLOB_STORE_URL: storeUrl('BLOB_STORE_URL', ['file:', 'mongodb://', 'mongodb+srv://']),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  SQLITE_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(100).default(12),
  RUN_PROJECTIONS: z
    .enum(['thread', 'inline', 'off', 'true', 'false', '1', '0'])
    .default('thread')
    .transform((value): ProjectionPlacement => {
      if (value === 'thread') return 'thread';
      return value === 'inline' || value === 'true' || value === '1' ? 'inline' : 'off';
    }),
  PROJECTION_BATCH_DELAY_MS: z.coerce.number().int().min(0).max(1_000).default(100),
  PROJECTION_STALL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  PROJECTION_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(4_096),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  WORKER_API: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  REQUEST_TASK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(16),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value): boolean | string[] => {
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    }),
  NN_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/, 'NN_URL must be an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
});

/**
 * `thread`: on a worker thread of this process, off the event loop that answers requests.
 * `inline`: on the event loop itself. `off`: not here (a separate `npm run projector` runs them).
 */
export type ProjectionPlacement = 'thread' | 'inline' | 'off';

export interface Config {
  /** GitHub port and book registry (GITHUB_MODE, GITHUB_TOKEN, GITHUB_API_URL, GITHUB_RAW_URL, BOOKS_FILE, BOOKS_SYNC_INTERVAL_S). */
  github: GitHubSettings;
  port: number;
  host: string;
  /** Connections the kernel queues before the server accepts them (capped by net.core.somaxconn). */
  listenBacklog: number;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  eventStoreUrl: string;
  readStoreUrl: string;
  /** PGNs and network files: a directory (`file:`) or GridFS (`mongodb://`). */
  blobStoreUrl: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** The embedded event log's least time between two group commits (appends arriving sooner share the next). */
  sqliteCommitIntervalMs: number;
  /** Where this process runs the projections (see ProjectionPlacement). */
  runProjections: ProjectionPlacement;
  /** How long a projection lets a small batch of events gather before applying it. */
  projectionBatchDelayMs: number;
  /** How long a projection may stay behind the log without applying anything before /health reports it. */
  projectionStallMs: number;
  /** Nice value of the projection thread (Linux, `thread` placement): the request path wins a contended core. */
  projectionThreadNice: number;
  shutdownTimeoutMs: number;
  /** Whether this process is the primary that serves the worker protocol (run cache, scheduler, periodic jobs). */
  workerApi: boolean;
  /** request_task calls handled at once; more are answered "too busy" (the worker retries later). */
  requestTaskConcurrency: number;
  /** Whether X-Forwarded-For names the client: false, true (any proxy), or the proxies' addresses/CIDRs. */
  trustProxy: boolean | string[];
  /** Where network files are served from; `/api/nn/<name>` redirects there when set, else serves the bytes. */
  nnUrl?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses settings from the environment; throws ConfigError with one line naming the bad setting. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? 'configuration');
    const got = env[setting];
    throw new ConfigError(
      `Invalid setting ${setting}: ${issue?.message ?? 'invalid value'}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`,
    );
  }
  const value = parsed.data;
  const dataDir = path.resolve(value.DATA_DIR);
  let github: GitHubSettings;
  try {
    github = loadGitHubSettings(env);
  } catch (err) {
    if (err instanceof GitHubSettingsError) throw new ConfigError(err.message);
    throw err;
  }
  return {
    github,
    port: value.PORT,
    host: value.HOST,
    listenBacklog: value.LISTEN_BACKLOG,
    dataDir,
    logLevel: value.LOG_LEVEL,
    eventStoreUrl: value.EVENT_STORE_URL ?? `sqlite:${path.join(dataDir, 'events.sqlite')}`,
    readStoreUrl: value.READ_STORE_URL ?? `sqlite:${path.join(dataDir, 'read.sqlite')}`,
    blobStoreUrl: value.BLOB_STORE_URL ?? `file:${path.join(dataDir, 'blobs')}`,
    sqliteSynchronous: value.SQLITE_SYNCHRONOUS,
    sqliteCommitIntervalMs: value.SQLITE_COMMIT_INTERVAL_MS,
    runProjections: value.RUN_PROJECTIONS,
    projectionBatchDelayMs: value.PROJECTION_BATCH_DELAY_MS,
    projectionStallMs: value.PROJECTION_STALL_MS,
    projectionThreadNice: value.PROJECTION_THREAD_NICE,
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT_MS,
    workerApi: value.WORKER_API,
    requestTaskConcurrency: value.REQUEST_TASK_CONCURRENCY,
    trustProxy: value.TRUST_PROXY,
    ...(value.NN_URL === undefined ? {} : { nnUrl: value.NN_URL }),
  };
};
