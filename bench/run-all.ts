/**
 * `npm run bench`: every benchmark in one run, so the figures share the machine's current load.
 * Starts a private FerretDB for the MongoDB figures when BENCH_MONGO_URL is unset and FerretDB is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main as appendThroughput } from './appendThroughput.js';
import { main as readModelWrites } from './readModelWrites.js';
import { main as projectionCatchUp } from './projectionCatchUp.js';
import { main as decisions } from './decisions.js';
import { main as uploadBody } from './uploadBody.js';

const root = path.resolve(import.meta.dirname, '..');
const script = path.join(root, 'scripts', 'ferretdb.sh');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const startFerretDb = async (): Promise<(() => void) | undefined> => {
  if (process.env.BENCH_MONGO_URL) return undefined;
  try {
    execFileSync('bash', [script, 'path'], { stdio: 'ignore' });
  } catch {
    console.log('(FerretDB not installed: MongoDB figures skipped; `bash scripts/ferretdb.sh install` adds them)\n');
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ferretdb-'));
  const port = await freePort();
  execFileSync('bash', [script, 'start', dir, String(port)], { stdio: 'ignore' });
  process.env.BENCH_MONGO_URL = `mongodb://127.0.0.1:${port}/`;
  return () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
};

const stopFerretDb = await startFerretDb();
try {
  console.log('== append throughput (embedded event store, synchronous=FULL)');
  await appendThroughput();
  console.log('\n== read-model writes');
  await readModelWrites();
  console.log('\n== projection catch-up');
  await projectionCatchUp();
  console.log('\n== domain decisions (in-process, 500 active runs, 20,000 active tasks)');
  await decisions();
  console.log('\n== upload_pgn body parsing (µs of the event loop per body)');
  uploadBody();
} finally {
  stopFerretDb?.();
}
