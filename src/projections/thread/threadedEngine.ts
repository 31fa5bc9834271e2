import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.js';
import type { EventStore } from '../../stores/events/port.js';
import type { SqliteEventStore } from '../../stores/events/sqlite/index.js';
import type { ReadStore } from '../../stores/documents/port.js';
import type { Projection } from '../projection.js';
import type { ProjectionEngine, ProjectionStatus } from '../engine.js';
import { createProjectionEngine } from '../engine.js';
import type { FromProjectionThread, ProjectionThreadData, ToProjectionThread } from './messages.js';

export interface ThreadedEngineOptions {
  /** This process's stores: the thread opens its own connections to the same URLs. */
  eventStore: EventStore;
  readStore: ReadStore;
  /** The catalogue the thread runs (it imports the same one; functions cannot cross threads). */
  projections: readonly Projection[];
  logger: Logger;
  eventStoreUrl: string;
  readStoreUrl: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  batchDelayMs: number;
  /**
   * Nice value of the thread (Linux; 0 by default): above 0, the event loop that answers requests
   * wins a contended core, and the read models fall further behind under load instead.
   */
  threadNice?: number;
  logLevel: string;
  /** Wait before starting a thread again after it died; doubles up to 30 s. */
  restartDelayMs?: number;
  /** The module the thread runs, as a URL; tests replace it. */
  threadEntry?: string;
}

const STATUS_TIMEOUT_MS = 2_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;
const NEWS_INTERVAL_MS = 20;

const isSqlite = (store: EventStore): store is SqliteEventStore => store.kind === 'sqlite' && 'shareVisibleBound' in store;

/**
 * Runs the projection catalogue on a worker thread of this process, so applying events never holds
 * up the event loop that answers requests. The thread has its own connections; with the embedded
 * log it reads only what this process has made durable (the shared visible bound) and is woken
 * after each durable commit. Read-your-writes and lag come from the checkpoints in the read store.
 */
export const createThreadedProjectionEngine = (options: ThreadedEngineOptions): ProjectionEngine => {
  const { eventStore, logger } = options;
  // Checkpoints, lag and waitFor read the read store, as for a separate projector process.
  const remote = createProjectionEngine({
    eventStore,
    readStore: options.readStore,
    projections: options.projections,
    logger,
    runProjections: false,
  });
  const sqlite = isSqlite(eventStore) ? eventStore : undefined;
  const entry =
    options.threadEntry ?? new URL(`./threadMain${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
  const data: ProjectionThreadData = {
    entry,
    eventStoreUrl: options.eventStoreUrl,
    readStoreUrl: options.readStoreUrl,
    sqliteSynchronous: options.sqliteSynchronous,
    batchDelayMs: options.batchDelayMs,
    nice: options.threadNice ?? 0,
    logLevel: options.logLevel,
  };

  let worker: Worker | undefined;
  let ready = false;
  let stopped = false;
  let failure: string | undefined;
  const firstRestartDelay = options.restartDelayMs ?? 1_000;
  let restartDelay = firstRestartDelay;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let stopCommitListener: (() => void) | undefined;
  let newsPending = false;
  let nextRequest = 0;
  const pending = new Map<number, (message: FromProjectionThread | undefined) => void>();

  const post = (message: ToProjectionThread): void => worker?.postMessage(message);
  const hurry = (position: bigint): void => post({ type: 'hurry', position });

  // One wake-up per turn of the event loop however many commits it made durable, and with a batch
  // delay at most one per NEWS_INTERVAL_MS: the runners let events gather longer than that anyway,
  // and each message costs this thread a postMessage and the projection thread a read per runner.
  // A reader waiting for its write does not wait for the interval: the hurry message wakes the log too.
  const newsDelayMs = Math.min(options.batchDelayMs, NEWS_INTERVAL_MS);
  const announceNews = (): void => {
    if (newsPending || !ready) return;
    newsPending = true;
    const send = (): void => {
      newsPending = false;
      post({ type: 'news' });
    };
    if (newsDelayMs > 0) setTimeout(send, newsDelayMs);
    else setImmediate(send);
  };

  const spawn = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const thread = new Worker(new URL('./bootstrap.mjs', import.meta.url), {
        workerData: { ...data, ...(sqlite ? { visibleBound: sqlite.shareVisibleBound() } : {}) },
        // The main thread's flags (a loader, a profiler) do not apply to this thread.
        execArgv: [],
      });
      worker = thread;
      let started = false;
      thread.on('message', (message: FromProjectionThread) => {
        if (message.type === 'ready') {
          started = true;
          ready = true;
          failure = undefined;
          restartDelay = firstRestartDelay;
          resolve();
        } else if (message.type === 'statuses' || message.type === 'statusesFailed') {
          pending.get(message.id)?.(message);
        }
      });
      thread.on('error', (err) => {
        failure = err.message;
        logger.error({ err }, 'projection thread failed');
        if (!started) reject(err);
      });
      thread.once('exit', (code) => {
        ready = false;
        if (worker === thread) worker = undefined;
        for (const answer of pending.values()) answer(undefined);
        pending.clear();
        if (stopped) return;
        failure ??= `projection thread exited with code ${code}`;
        if (!started) {
          reject(new Error(failure));
          return;
        }
        logger.error({ code, restartInMs: restartDelay }, 'projection thread stopped; starting it again');
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          spawn().catch((err: unknown) => logger.error({ err }, 'projection thread could not start again'));
        }, restartDelay);
        restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
      });
    });

  const askStatuses = (): Promise<ProjectionStatus[] | undefined> =>
    new Promise((resolve) => {
      if (!ready) {
        resolve(undefined);
        return;
      }
      const id = ++nextRequest;
      const timer = setTimeout(() => answer(undefined), STATUS_TIMEOUT_MS);
      const answer = (message: FromProjectionThread | undefined): void => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(message?.type === 'statuses' ? message.statuses : undefined);
      };
      pending.set(id, answer);
      post({ type: 'statuses', id });
    });

  return {
    async start() {
      if (worker || stopped) return;
      if (sqlite) stopCommitListener = sqlite.onCommitted(announceNews);
      await spawn();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(restartTimer);
      stopCommitListener?.();
      const thread = worker;
      if (!thread) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      post({ type: 'stop' });
      const timeout = setTimeout(() => void thread.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timeout);
    },

    async statuses() {
      const fromThread = await askStatuses();
      if (fromThread) return fromThread;
      // The thread is down or busy: the checkpoints still tell how far the read models are.
      const fromCheckpoints = await remote.statuses();
      return fromCheckpoints.map((status) => ({
        ...status,
        state: failure === undefined ? status.state : 'failed',
        ...(failure === undefined ? {} : { error: failure }),
      }));
    },

    waitFor: (position, timeoutMs) => {
      hurry(position);
      return remote.waitFor(position, timeoutMs);
    },
    hurry,
  };
};
