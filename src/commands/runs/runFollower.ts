import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../../stores/events/port.js';
import type { DocumentCollection } from '../../stores/documents/port.js';
import type { SnapshotDoc } from '../aggregateStore.js';
import type { RunCache } from './runCache.js';
import { RUN_STREAM_PREFIX, runIdOfStream } from './runCache.js';
import type { BlockedWorkers } from './workerStreams.js';
import { WORKER_STREAM_PREFIX } from './workerStreams.js';

/**
 * Start-up and live following of the log for the scheduler: finds the unfinished runs (and the
 * blocked workers) by reading the run and worker streams, loads those runs into the run cache,
 * then follows the log so that events written by other processes (the operator CLI creating or
 * approving runs) reach the cache and the scheduler's index. What it knows at a position is
 * checkpointed now and then, so that a restart reads only the log written after it.
 */
export interface RunFollower {
  start(): Promise<void>;
  /** Resolves true once every run or worker event up to `position` was applied, false after `timeoutMs`. */
  caughtUp(position: bigint, timeoutMs?: number): Promise<boolean>;
  /** Writes the checkpoint now (also done periodically and on stop). */
  saveCheckpoint(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunFollowerOptions {
  eventStore: EventStore;
  cache: RunCache;
  blockedWorkers: BlockedWorkers;
  /** Where the checkpoint lives (a cache, like snapshots: losing it only costs a longer start). */
  checkpoints?: DocumentCollection<SnapshotDoc>;
  checkpointEveryMs?: number;
  readPageSize?: number;
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

const FINISHING = new Set(['RunFinished', 'RunStopped', 'RunDeleted']);
const PREFIXES = [RUN_STREAM_PREFIX, WORKER_STREAM_PREFIX];
const CHECKPOINT_ID = '$scheduler';
const CHECKPOINT_VERSION = 1;

interface CheckpointState {
  unfinished: string[];
  blocked: Array<[string, { message: string }]>;
}

export const createRunFollower = (options: RunFollowerOptions): RunFollower => {
  const { eventStore, cache, blockedWorkers, checkpoints } = options;
  const pageSize = options.readPageSize ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const unfinished = new Set<string>();
  let position = 0n;
  let savedPosition = -1n;
  let subscription: Subscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let checkpointTimer: ReturnType<typeof setInterval> | undefined;
  let started = false;
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

  /** Which runs are unfinished, and the block records, from one event. */
  const note = (event: RecordedEvent): void => {
    if (event.streamId.startsWith(RUN_STREAM_PREFIX)) {
      const runId = runIdOfStream(event.streamId);
      if (event.type === 'RunCreated' || event.type === 'RunRevived') unfinished.add(runId);
      else if (FINISHING.has(event.type)) unfinished.delete(runId);
    } else {
      blockedWorkers.apply(event);
    }
  };

  const applyLive = async (event: RecordedEvent): Promise<void> => {
    note(event);
    if (event.streamId.startsWith(RUN_STREAM_PREFIX)) await cache.catchUp(runIdOfStream(event.streamId), event.revision);
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

  const restoreCheckpoint = async (): Promise<void> => {
    if (!checkpoints) return;
    const doc = await checkpoints.get(CHECKPOINT_ID);
    if (!doc || doc.version !== CHECKPOINT_VERSION) return;
    const saved = BigInt(doc.revision);
    // A checkpoint beyond the head belongs to another log (the store was replaced): ignore it.
    if (saved > (await eventStore.headPosition())) return;
    const state = doc.state as CheckpointState;
    for (const runId of state.unfinished) unfinished.add(runId);
    blockedWorkers.restore(state.blocked);
    position = saved;
    savedPosition = saved;
  };

  /** Reads the run and worker streams from the checkpoint (or the start) to the head. */
  const scan = async (): Promise<void> => {
    for (;;) {
      const page = await eventStore.readAll({ fromPosition: position, maxCount: pageSize, filter: { streamPrefixes: PREFIXES } });
      for (const event of page) {
        note(event);
        position = event.position;
      }
      if (page.length < pageSize) return;
    }
  };

  const saveCheckpoint = async (): Promise<void> => {
    // A follower that never read the log knows nothing worth keeping.
    if (!checkpoints || !started || position === savedPosition) return;
    const at = position;
    const state: CheckpointState = { unfinished: [...unfinished], blocked: blockedWorkers.entries() };
    await checkpoints.upsert({ _id: CHECKPOINT_ID, version: CHECKPOINT_VERSION, revision: at.toString(), state });
    savedPosition = at;
  };

  return {
    async start() {
      try {
        await restoreCheckpoint();
      } catch (err) {
        options.onError?.(err);
      }
      await scan();
      started = true;
      for (const runId of unfinished) await cache.load(runId);
      advance(position);
      subscribe();
      if (checkpoints) {
        checkpointTimer = setInterval(() => {
          chain = chain.then(saveCheckpoint).catch((err: unknown) => options.onError?.(err));
        }, options.checkpointEveryMs ?? 60_000);
        checkpointTimer.unref();
      }
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
    saveCheckpoint: () => {
      const saved = chain.then(saveCheckpoint);
      chain = saved.catch((err: unknown) => options.onError?.(err));
      return saved;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(checkpointTimer);
      subscription?.unsubscribe();
      await chain;
      await saveCheckpoint().catch((err: unknown) => options.onError?.(err));
      for (const waiter of waiters) waiter.resolve(false);
      waiters.clear();
    },
  };
};
