/**
 * FerretDB (a MongoDB wire-protocol server storing data in SQLite) for tests of the MongoDB
 * read store. `MONGO_TEST_URL` points the tests at a server someone else runs; otherwise each
 * test file starts its own FerretDB on a free loopback port with data in a temp directory. With
 * neither, the tests are skipped with the reason in their title, except under `CI=true`, where
 * that is a failure.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, it } from 'vitest';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface FerretDbServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Ends the process at once with SIGKILL, like a crash; the data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory and waits until it answers a ping. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL) and removes the data directory when this helper made it. */
  stop(): Promise<void>;
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const goBinDir = (): string | null => {
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', timeout: 10_000 }).trim();
    return gopath ? path.join(gopath.split(path.delimiter)[0] ?? gopath, 'bin') : null;
  } catch {
    return null;
  }
};

let binaryLookup: { path: string | null } | undefined;

/** The ferretdb binary: $FERRETDB_BIN, then PATH, then `$(go env GOPATH)/bin`, then ~/go/bin. */
export const findFerretDbBinary = (): string | null => {
  if (!binaryLookup) {
    const candidates = [
      process.env.FERRETDB_BIN,
      ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'ferretdb')),
      ...[goBinDir(), path.join(homedir(), 'go', 'bin')].flatMap((dir) => (dir ? [path.join(dir, 'ferretdb')] : [])),
    ];
    binaryLookup = { path: candidates.find((file): file is string => !!file && isExecutable(file)) ?? null };
  }
  return binaryLookup.path;
};

/** A loopback port nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const pingOnce = async (url: string): Promise<boolean> => {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
};

const logTail = (file: string): string => {
  try {
    return readFileSync(file, 'utf8').slice(-2_000);
  } catch {
    return '';
  }
};

/** Every process and temp directory made here, so none outlives the test process, even if a test forgets to stop it. */
const running = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
});

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

export const startFerretDb = async (options: { dataDir?: string; port?: number } = {}): Promise<FerretDbServer> => {
  const binary = findFerretDbBinary();
  if (!binary) throw new Error('ferretdb is not installed (scripts/ferretdb.sh install)');
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ferretdb-'));
  if (ownsDir) ownedDirs.add(dataDir);
  const port = options.port ?? (await freePort());
  const url = `mongodb://127.0.0.1:${port}/`;
  const logFile = path.join(dataDir, 'ferretdb.log');
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    // Without this every instance would open the metrics listener on the fixed port 8088.
    '--debug-addr=-',
    `--state-dir=${dataDir}`,
    '--log-level=error',
  ];
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const log = openSync(logFile, 'a');
    const started = spawn(binary, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    running.add(started);
    started.once('exit', () => running.delete(started));
    child = started;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`ferretdb exited during start-up:\n${logTail(logFile)}`);
      }
      if (await pingOnce(url)) return;
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`ferretdb did not answer a ping within ${START_TIMEOUT_MS} ms:\n${logTail(logFile)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const kill = async (): Promise<void> => {
    const current = child;
    if (!current) return;
    child = null;
    current.kill('SIGKILL');
    await exited(current);
  };

  await launch();
  return {
    url,
    port,
    dataDir,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      const current = child;
      child = null;
      if (current) {
        current.kill('SIGTERM');
        const timer = setTimeout(() => current.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(current);
        clearTimeout(timer);
      }
      if (ownsDir) {
        rmSync(dataDir, { recursive: true, force: true });
        ownedDirs.delete(dataDir);
      }
    },
  };
};

export type MongoTestTarget =
  | { kind: 'external'; url: string }
  | { kind: 'private'; binary: string }
  | { kind: 'missing'; reason: string };

/** Decided without starting anything, so tests can be skipped while they are collected. */
export const mongoTestTarget = (): MongoTestTarget => {
  const external = process.env.MONGO_TEST_URL;
  if (external) return { kind: 'external', url: external };
  const binary = findFerretDbBinary();
  if (binary) return { kind: 'private', binary };
  return { kind: 'missing', reason: 'no MONGO_TEST_URL and no ferretdb binary (scripts/ferretdb.sh install)' };
};

let privateServer: Promise<FerretDbServer> | null = null;

/**
 * The server for this test file: MONGO_TEST_URL when set, else a private FerretDB started on
 * first call (stop it with stopMongoTestServer), else null.
 */
export const mongoTestUrl = async (): Promise<string | null> => {
  const target = mongoTestTarget();
  if (target.kind === 'external') return target.url;
  if (target.kind === 'missing') return null;
  privateServer ??= startFerretDb();
  return (await privateServer).url;
};

/** The private FerretDB behind mongoTestUrl(), to kill and restart; null with MONGO_TEST_URL. */
export const privateFerretDb = async (): Promise<FerretDbServer | null> =>
  mongoTestTarget().kind === 'private' && privateServer ? await privateServer : null;

export const stopMongoTestServer = async (): Promise<void> => {
  const pending = privateServer;
  privateServer = null;
  if (pending) await (await pending).stop();
};

export interface MongoTestContext {
  /** The server URL; valid inside tests and hooks. */
  url(): string;
  /** The private FerretDB, or null when the tests run against MONGO_TEST_URL. */
  server(): FerretDbServer | null;
}

/**
 * A describe block whose tests need a MongoDB-compatible server. It starts (and stops) the
 * private FerretDB around the block; when there is none it skips the block with the reason in
 * its title, or fails under CI=true.
 */
export const describeWithMongo = (title: string, body: (mongo: MongoTestContext) => void): void => {
  const target = mongoTestTarget();
  let url: string | null = null;
  let server: FerretDbServer | null = null;
  const context: MongoTestContext = {
    url: () => {
      if (!url) throw new Error('no MongoDB test server');
      return url;
    },
    server: () => server,
  };
  if (target.kind === 'missing') {
    if (process.env.CI === 'true') {
      describe(title, () => {
        it('has a MongoDB-compatible server to test against (required when CI=true)', () => {
          throw new Error(target.reason);
        });
      });
    } else {
      console.warn(`${title}: skipped, ${target.reason}`);
      describe.skip(`${title} [skipped: ${target.reason}]`, () => body(context));
    }
    return;
  }
  describe(title, () => {
    beforeAll(async () => {
      url = await mongoTestUrl();
      server = await privateFerretDb();
    });
    afterAll(async () => {
      await stopMongoTestServer();
    });
    body(context);
  });
};
