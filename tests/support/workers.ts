import type { Pentanomial, Results } from '../../src/domain/shared/results.js';
import type { WorkerInfo } from '../../src/domain/shared/worker-info.js';

/** The 16 keys a worker sends, for machine `n` of `username` (distinct unique keys and addresses). */
export const wireWorkerInfo = (n = 1, overrides: Record<string, unknown> = {}) => ({
  uname: 'Linux 6.1.0',
  architecture: ['64bit', 'ELF'],
  concurrency: 4,
  max_memory: 8192,
  min_threads: 1,
  username: 'worker',
  version: 325,
  python_version: [3, 11, 7],
  gcc_version: [12, 2, 0],
  compiler: 'g++',
  unique_key: `m${n.toString(16).padStart(7, '0')}-2869-4459-b722-${n.toString(16).padStart(12, '0')}`,
  modified: false,
  worker_arch: 'x86-64-avx2',
  ARCH: '?',
  nps: 0.0,
  near_github_api_limit: false,
  ...overrides,
});

/** The same worker as a task stores it (with the server's remote_addr and country_code). */
export const storedWorkerInfo = (n = 1, overrides: Partial<WorkerInfo> = {}): WorkerInfo => ({
  ...(wireWorkerInfo(n) as unknown as WorkerInfo),
  remote_addr: `198.51.100.${n % 250}`,
  country_code: '?',
  ...overrides,
});

/** Results consistent with the pentanomial (game pairs LL, LD, DD, DW, WW). */
export const resultsOf = (pentanomial: Pentanomial, extra: Partial<Pick<Results, 'crashes' | 'time_losses'>> = {}): Results => {
  const [p0, p1, p2, p3, p4] = pentanomial;
  return {
    wins: p3 + 2 * p4,
    losses: 2 * p0 + p1,
    draws: p1 + 2 * p2 + p3,
    crashes: extra.crashes ?? 0,
    time_losses: extra.time_losses ?? 0,
    pentanomial,
  };
};
