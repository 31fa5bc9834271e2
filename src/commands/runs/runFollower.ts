import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../../stores/events/port.js';
import type { RunCache } from './runCache.js';
import { RUN_STREAM_PREFIX, runIdOfStream } from './runCache.js';
import type { BlockedWorkers } from './workerStreams.js';
import { WORKER_STREAM_PREFIX } from './workerStreams.js';

/**
 * Start-up and live following of the log for the scheduler: finds the unfinished runs (and the
 * blocked workers) by reading the run and worker streams once, loads those runs into the run
 * cache, then follows the log so that events written by other processes (the operator CLI
 * creating or approving runs) reach the cache and the scheduler's index.
 */
export interface RunFollower {
  start(): Promise<void>;
  /** Resolves true once every run or worker event up to `position` was applied, false after `timeoutMs`. */
  caughtUp(position: bigint, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface RunFollowerOptions {
  eventStore: EventStore;
  cache: RunCache;
  blockedWorkers: BlockedWorkers;
  readPageSize?: number;
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

const FINISHING = new Set(['RunFinished', 'RunStopped', 'RunDeleted']);
const PREFIXES = [RUN_STREAM_PREFIX, WORKER_STREAM_PREFIX];

export const createRunFollower = (options: RunFollowerOptions): RunFollower => {
  const { eventStore, cache, blockedWorkers } = options;
  const pageSize = options.readPageSize ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  let position = 0n;
  let subscription: Subscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const waiters = new Set<{ position: bigint; resolve: (reached: boolean) => void }>();

  const advance = (to: bigint): void => {
    if (to > position) position = to;
    for (const waiter of waiters) {
      if (waiter.position <= position) {
        waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  };

  const applyLive = async (event: RecordedEvent): Promise<void> => {
    if (event.streamId.startsWith(RUN_STREAM_PREFIX)) {
      await cache.catchUp(runIdOfStream(event.streamId), event.revision);
    } else {
      blockedWorkers.apply(event);
    }
  };

  const subscribe = (): void => {
    if (stopped) return;
    subscription = eventStore
      .subscribeAll({
        fromPosition: position,
        filter: { streamPrefixes: PREFIXES },
        // Events are applied one after the other; the subscription waits for the backlog.
        ready: () => chain,
      })
      .subscribe({
        next: (event) => {
          chain = chain
            .then(() => applyLive(event))
            .catch((err: unknown) => options.onError?.(err))
            .then(() => advance(event.position));
        },
        error: (err: unknown) => {
          options.onError?.(err);
          if (stopped) return;
          retryTimer = setTimeout(() => {
            chain.then(subscribe, subscribe);
          }, retryDelayMs);
          retryTimer.unref();
        },
      });
  };

  /** Reads the run and worker streams once: which runs are unfinished, which workers are blocked. */
  const scan = async (): Promise<Set<string>> => {
    const unfinished = new Set<string>();
    for (;;) {
      const page = await eventStore.readAll({ fromPosition: position, maxCount: pageSize, filter: { streamPrefixes: PREFIXES } });
      for (const event of page) {
        if (event.streamId.startsWith(RUN_STREAM_PREFIX)) {
          const runId = runIdOfStream(event.streamId);
          if (event.type === 'RunCreated' || event.type === 'RunRevived') unfinished.add(runId);
          else if (FINISHING.has(event.type)) unfinished.delete(runId);
        } else {
          blockedWorkers.apply(event);
        }
        position = event.position;
      }
      if (page.length < pageSize) return unfinished;
    }
  };

  return {
    async start() {
      const unfinished = await scan();
      for (const runId of unfinished) await cache.load(runId);
      advance(position);
      subscribe();
    },
    caughtUp(target, timeoutMs = 5_000) {
      if (target <= position) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = {
          position: target,
          resolve: (reached: boolean) => {
            clearTimeout(timer);
            resolve(reached);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      await chain;
      for (const waiter of waiters) waiter.resolve(false);
      waiters.clear();
    },
  };
};
