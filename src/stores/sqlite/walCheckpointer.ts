import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WriteGate } from './writeGate.js';
import { GATE_HELD, GATE_OPEN, GATE_WRITING } from './writeGate.js';

/**
 * Checkpoints a WAL database (the event log's or the read store's) from a worker thread of its own.
 *
 * A checkpoint copies the WAL back into the database file and syncs both. Left to SQLite it runs
 * inside whichever COMMIT crosses the WAL size limit, so the writer's event loop would stop for the
 * fsyncs, which on a slow disk take seconds and queue behind the other syncs on the same disk. From
 * here the writing connection never checkpoints: its commits only append to the WAL, and this thread
 * looks every `intervalMs` and, once the WAL has reached `minWalBytes` (at once when 0), copies it
 * back with a PASSIVE checkpoint, which never blocks that writer.
 *
 * SQLite starts the WAL over only when a checkpoint has copied all of it before the next commit;
 * with commits arriving all the time a PASSIVE pass never gets there, and the file would grow for as
 * long as the load lasts. So once the file has reached `truncateAboveBytes`, the thread holds the
 * writer's gate (see writeGate.ts) and runs a TRUNCATE checkpoint: it copies only what was committed
 * during the PASSIVE pass, syncs, and empties the file, while the writer queues its commits.
 */
export interface WalCheckpointer {
  /** Stops the thread; the database's own close then checkpoints what is left. */
  stop(): Promise<void>;
  /** The gated passes so far: how often the writer was held off, and for how long at most. */
  stats(): WalCheckpointStats;
}

export interface WalCheckpointStats {
  /** TRUNCATE passes run while holding the writer's gate. */
  gatedPasses: number;
  /** Of those, the ones that emptied the WAL (the others met a reader or another writer). */
  truncations: number;
  lastHoldMs: number;
  longestHoldMs: number;
}

export interface WalCheckpointerOptions {
  path: string;
  intervalMs: number;
  /** Checkpoint only once the WAL file has grown to this size (0: every interval); fewer, larger checkpoints sync less often. */
  minWalBytes?: number;
  /**
   * The writer's gate. Without one the thread only runs PASSIVE checkpoints, and under steady writes
   * the WAL is never started over.
   */
  gate?: WriteGate;
  /** Once the WAL file is this large, a gated TRUNCATE pass follows the PASSIVE one (default: `minWalBytes`). */
  truncateAboveBytes?: number;
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
  // Only the gated TRUNCATE pass waits (PASSIVE never does): for readers to leave the WAL, or for a
  // writer on another connection. The writer of the gate queues meanwhile, so keep it short.
  db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
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
// True when the pass copied everything (SQLite reports busy = 0).
const run = (mode) => {
  try {
    const [result] = db.pragma('wal_checkpoint(' + mode + ')');
    return result !== undefined && result.busy === 0;
  } catch (error) {
    if (!/SQLITE_BUSY|SQLITE_LOCKED/.test(String(error && error.code))) throw plain(error);
    return false;
  }
};
const gate = workerData.gate ? new Int32Array(workerData.gate) : undefined;
// Waits out a transaction in progress (they are short and synchronous), for a bounded time.
const hold = () => {
  const deadline = Date.now() + workerData.holdWaitMs;
  for (;;) {
    const previous = Atomics.compareExchange(gate, 0, ${GATE_OPEN}, ${GATE_HELD});
    if (previous !== ${GATE_WRITING}) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(gate, 0, ${GATE_WRITING}, left);
  }
};
const release = () => {
  if (Atomics.compareExchange(gate, 0, ${GATE_HELD}, ${GATE_OPEN}) === ${GATE_HELD}) Atomics.notify(gate, 0);
};
const checkpoint = () => {
  const size = walSize();
  if (workerData.minWalBytes > 0 && size < workerData.minWalBytes) return;
  run('PASSIVE');
  if (!gate || size < workerData.truncateAboveBytes || !hold()) return;
  const heldAt = performance.now();
  let truncated = false;
  try {
    truncated = run('TRUNCATE');
  } finally {
    release();
    parentPort.postMessage({ heldMs: performance.now() - heldAt, truncated });
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

/** How long the thread waits for the writer's transaction in progress before skipping the TRUNCATE pass. */
const HOLD_WAIT_MS = 200;
const TRUNCATE_BUSY_TIMEOUT_MS = 200;

export const startWalCheckpointer = (options: WalCheckpointerOptions): WalCheckpointer => {
  const minWalBytes = options.minWalBytes ?? 0;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: driverPath,
      path: options.path,
      intervalMs: options.intervalMs,
      minWalBytes,
      truncateAboveBytes: options.truncateAboveBytes ?? minWalBytes,
      gate: options.gate?.buffer,
      holdWaitMs: HOLD_WAIT_MS,
      busyTimeoutMs: TRUNCATE_BUSY_TIMEOUT_MS,
    },
  });
  worker.unref();
  let failed = false;
  const fail = (error: unknown): void => {
    options.gate?.reset();
    if (failed) return;
    failed = true;
    options.onFailure(error);
  };
  worker.on('error', fail);
  const stats: WalCheckpointStats = { gatedPasses: 0, truncations: 0, lastHoldMs: 0, longestHoldMs: 0 };
  worker.on('message', (message: { heldMs?: unknown; truncated?: unknown }) => {
    if (typeof message.heldMs !== 'number') return;
    stats.gatedPasses += 1;
    if (message.truncated === true) stats.truncations += 1;
    stats.lastHoldMs = message.heldMs;
    stats.longestHoldMs = Math.max(stats.longestHoldMs, message.heldMs);
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      options.gate?.reset();
      if (code !== 0) fail(new Error(`WAL checkpointer exited with code ${code}`));
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats }),
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
