import type { Compiler } from './constants.js';
import { createInterner } from './interner.js';

/**
 * What a worker says about itself (`worker_info_schema_api`, 16 keys, wire names), plus what
 * the server adds before storing it on a task (`remote_addr`, `country_code`).
 */
export interface WorkerInfo {
  readonly uname: string;
  readonly architecture: readonly [string, string];
  readonly concurrency: number;
  readonly max_memory: number;
  readonly min_threads: number;
  readonly username: string;
  readonly version: number;
  readonly python_version: readonly [number, number, number];
  readonly gcc_version: readonly [number, number, number];
  readonly compiler: Compiler;
  readonly unique_key: string;
  readonly modified: boolean;
  readonly worker_arch: string;
  readonly ARCH: string;
  readonly nps: number;
  readonly near_github_api_limit: boolean;
  readonly remote_addr: string;
  readonly country_code: string;
}

/** What the worker sends: WorkerInfo without the two fields the server adds. */
export type ReportedWorkerInfo = Omit<WorkerInfo, 'remote_addr' | 'country_code'>;

const shared = createInterner();

/**
 * The stored worker info, written out field by field. `{ ...reported, remote_addr, country_code }`
 * would be shorter, but on this V8 an object spread followed by new keys gives every result a
 * hidden class of its own: one per active task, each with its own descriptors in the old
 * generation, and every read of a task's worker info a megamorphic lookup. The fields most workers
 * report alike are shared between them (see `createInterner`).
 */
export const storedWorkerInfo = (reported: ReportedWorkerInfo, remoteAddr: string, countryCode: string): WorkerInfo => ({
  uname: shared.string(reported.uname),
  architecture: shared.tuple(reported.architecture),
  concurrency: reported.concurrency,
  max_memory: reported.max_memory,
  min_threads: reported.min_threads,
  username: reported.username,
  version: reported.version,
  python_version: shared.tuple(reported.python_version),
  gcc_version: shared.tuple(reported.gcc_version),
  compiler: reported.compiler,
  unique_key: reported.unique_key,
  modified: reported.modified,
  worker_arch: shared.string(reported.worker_arch),
  ARCH: shared.string(reported.ARCH),
  nps: reported.nps,
  near_github_api_limit: reported.near_github_api_limit,
  remote_addr: remoteAddr,
  country_code: countryCode,
});

/**
 * The worker's display name: `user-Ncores-<uuid prefix>-<next uuid group>` plus `*` when its
 * files are modified; the short form (`user-Ncores-<uuid prefix>`) keys blocking and the
 * duplicate-worker check.
 */
export const workerName = (
  info: Pick<WorkerInfo, 'username' | 'concurrency' | 'unique_key' | 'modified'>,
  options: { short?: boolean } = {},
): string => {
  const short = options.short ?? false;
  let name = `${info.username}-${info.concurrency}cores`;
  if (info.unique_key.length !== 0) {
    const parts = info.unique_key.split('-');
    name += `-${parts[0] ?? ''}`;
    if (parts.length >= 2 && !short) name += `-${parts[1] ?? ''}`;
  }
  if (info.modified && !short) name += '*';
  return name;
};

export const shortWorkerName = (info: Pick<WorkerInfo, 'username' | 'concurrency' | 'unique_key' | 'modified'>): string =>
  workerName(info, { short: true });
