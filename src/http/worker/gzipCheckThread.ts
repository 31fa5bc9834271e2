import { Worker } from 'node:worker_threads';
import { isGzip } from './pgnPayload.js';

/**
 * Runs upload_pgn's gzip check (a whole decompression, isGzip) on a thread of its own at a lower
 * priority. Decompressing a task's PGN costs milliseconds of CPU (about 8 ms for 1,000 games):
 * on libuv's thread pool that competes at the event loop's priority for the machine's cores, and
 * streaming it costs the event loop a zlib stream and its callbacks per upload. The bytes cross to
 * the thread and come back without a copy (their memory is transferred), so callers must use the
 * bytes the check returns. If the thread fails, later checks run as before (isGzip).
 */
export interface GzipCheckThread {
  check(bytes: Buffer): Promise<{ ok: boolean; bytes: Buffer }>;
  close(): Promise<void>;
}

export interface GzipCheckThreadOptions {
  /** Linux nice value of the thread (0: the process's own priority). */
  nice: number;
  /** Told once when the thread fails (the checks then run on the event loop again). */
  onFailure?: (error: unknown) => void;
}

interface CheckMessage {
  id: number;
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

// Plain CommonJS run with `eval`, so the thread needs no TypeScript loader in any runtime.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
const { setPriority } = require('node:os');
const { gunzipSync } = require('node:zlib');
if (workerData.nice > 0 && process.platform === 'linux') {
  // /proc/thread-self names this thread, whose priority is its own on Linux.
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), workerData.nice);
}
parentPort.on('message', (message) => {
  const bytes = new Uint8Array(message.buffer, message.offset, message.length);
  let ok = bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (ok) {
    try {
      gunzipSync(bytes, { chunkSize: 1024 * 1024 });
    } catch {
      ok = false;
    }
  }
  parentPort.postMessage({ ...message, ok }, [message.buffer]);
});
`;

/** Whether the bytes are the whole of an ArrayBuffer of their own, which can move to the thread. */
const ownsItsMemory = (bytes: Buffer): boolean =>
  bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;

export const createGzipCheckThread = (options: GzipCheckThreadOptions): GzipCheckThread => {
  let worker: Worker | undefined;
  let failed = false;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: (result: { ok: boolean; bytes: Buffer }) => void; reject: (error: unknown) => void }>();

  const fail = (error: unknown): void => {
    if (failed || closed) return;
    failed = true;
    worker = undefined;
    options.onFailure?.(error);
    // The bytes of these checks went with the thread.
    for (const waiter of pending.values()) waiter.reject(new Error('the gzip check thread stopped', { cause: error }));
    pending.clear();
  };

  const started = (): Worker => {
    if (worker) return worker;
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { nice: options.nice } });
    thread.on('message', (message: CheckMessage & { ok: boolean }) => {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (pending.size === 0) thread.unref();
      waiter?.resolve({ ok: message.ok, bytes: Buffer.from(message.buffer, message.offset, message.length) });
    });
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the gzip check thread exited with code ${code}`)));
    thread.unref();
    worker = thread;
    return thread;
  };

  return {
    check(bytes) {
      if (failed || closed) return isGzip(bytes).then((ok) => ({ ok, bytes }));
      const owned = ownsItsMemory(bytes) ? bytes : Buffer.from(new Uint8Array(bytes).buffer);
      const thread = started();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Referenced while a check is out, so that a process waiting only for it stays alive.
        thread.ref();
        const message: CheckMessage = { id, buffer: owned.buffer as ArrayBuffer, offset: owned.byteOffset, length: owned.byteLength };
        thread.postMessage(message, [message.buffer]);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const thread = worker;
      worker = undefined;
      for (const waiter of pending.values()) waiter.reject(new Error('the gzip check thread was closed'));
      pending.clear();
      if (thread) await thread.terminate();
    },
  };
};
