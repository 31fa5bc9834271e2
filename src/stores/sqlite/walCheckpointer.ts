import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL database (the event log's or the read store's) from a worker thread of its own.
 *
 * A checkpoint copies the WAL back into the database file and syncs both. Left to SQLite it runs
 * inside whichever COMMIT crosses the WAL size limit, so the writer's event loop would stop for the
 * fsyncs, which on a slow disk take seconds and queue behind the other syncs on the same disk. From
 * here the writing connection never checkpoints: its commits only append to the WAL, and this thread
 * looks every `intervalMs` and, once the WAL has reached `minWalBytes` (at once when 0), copies it
 * back with a PASSIVE checkpoint, which never blocks that writer. SQLite restarts the WAL from its
 * beginning once a checkpoint has copied all of it, so the file stays about the size of one
 * interval's writes beyond that threshold.
 */
export interface WalCheckpointer {
  /** Stops the thread; the database's own close then checkpoints what is left. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  path: string;
  intervalMs: number;
  /** Checkpoint only once the WAL file has grown to this size (0: every interval); fewer, larger checkpoints sync less often. */
  minWalBytes?: number;
  /** Called once if the thread fails: the writer should then checkpoint by itself again. */
  onFailure: (error: unknown) => void;
}

// Plain CommonJS run with `eval`, so the thread needs no TypeScript loader in any runtime.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
// The driver's errors lose their message crossing threads; a plain Error keeps it.
const plain = (error) => new Error((error && error.code ? error.code + ': ' : '') + (error && error.message ? error.message : String(error)));
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
} catch (error) {
  throw plain(error);
}
const walSize = () => {
  try {
    return statSync(workerData.path + '-wal').size;
  } catch {
    return 0;
  }
};
const checkpoint = () => {
  if (workerData.minWalBytes > 0 && walSize() < workerData.minWalBytes) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (!/SQLITE_BUSY|SQLITE_LOCKED/.test(String(error && error.code))) throw plain(error);
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export const startWalCheckpointer = (options: WalCheckpointerOptions): WalCheckpointer => {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: driverPath, path: options.path, intervalMs: options.intervalMs, minWalBytes: options.minWalBytes ?? 0 },
  });
  worker.unref();
  let failed = false;
  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    options.onFailure(error);
  };
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`WAL checkpointer exited with code ${code}`));
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        failed = true;
        worker.postMessage('stop');
        const timeout = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timeout);
      })();
      return stopping;
    },
  };
};
