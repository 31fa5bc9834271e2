/*
 * Who virtual worker number `index` is: a user of the benchmark, a machine with a unique key
 * (so its short worker name is unique), a core count, and its own loopback address, sent as
 * X-Forwarded-For so that the per-IP machine limit sees one machine per worker.
 */

export const FLEET_PASSWORD = 'bench-Secret-4242';

export const fleetUsername = (userIndex: number): string => `fleet${userIndex}`;

/**
 * Cores per worker: an assumed spread (the production fleet's real one is not published),
 * from single-core volunteers to 32-core machines, about 7.6 cores on average.
 */
const CONCURRENCY_SHARES: ReadonlyArray<readonly [cores: number, share: number]> = [
  [1, 0.1],
  [2, 0.15],
  [4, 0.3],
  [8, 0.25],
  [16, 0.15],
  [32, 0.05],
];

/** A fixed scramble of the index, so that neighbouring workers differ but every run is the same. */
const scramble = (index: number): number => {
  let x = (index + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
};

const concurrencyOf = (index: number): number => {
  let draw = scramble(index);
  for (const [cores, share] of CONCURRENCY_SHARES) {
    draw -= share;
    if (draw < 0) return cores;
  }
  return 4;
};

/** 127.x.y.z, never 127.0.0.x, one per index (16 million of them). */
export const loopbackAddress = (index: number): string => {
  const n = index + 256;
  return `127.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
};

export interface WorkerIdentity {
  index: number;
  username: string;
  concurrency: number;
  address: string;
  /** `"password":…,"worker_info":{…}`: the start of every request body but request_version's. */
  credentials: string;
  /** The whole request_version body. */
  versionBody: string;
}

export const workerIdentity = (index: number, users: number): WorkerIdentity => {
  const username = fleetUsername(index % users);
  const concurrency = concurrencyOf(index);
  const prefix = `f${index.toString(36).padStart(7, '0')}`;
  const workerInfo = {
    uname: 'Linux 6.1.0',
    architecture: ['64bit', 'ELF'],
    concurrency,
    max_memory: 4096 * concurrency,
    min_threads: 1,
    username,
    version: 325,
    python_version: [3, 11, 7],
    gcc_version: [12, 2, 0],
    compiler: 'g++',
    unique_key: `${prefix}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    modified: false,
    worker_arch: 'x86-64-avx2',
    ARCH: '64bit AVX2 SSE41 SSSE3 SSE2 POPCNT',
    nps: 628000.0 + (index % 1000),
    near_github_api_limit: false,
  };
  return {
    index,
    username,
    concurrency,
    address: loopbackAddress(index),
    credentials: `"password":${JSON.stringify(FLEET_PASSWORD)},"worker_info":${JSON.stringify(workerInfo)}`,
    versionBody: JSON.stringify({ worker_info: { username }, password: FLEET_PASSWORD }),
  };
};
