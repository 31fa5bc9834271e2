import { startWalCheckpointer, type WalCheckpointStats } from '../../sqlite/walCheckpointer.js';
import type { WriteGate } from '../../sqlite/writeGate.js';
import { createWriteGate } from '../../sqlite/writeGate.js';
import type { EventStore, NewEvent } from '../port.js';
import { EventStoreUnavailableError } from '../errors.js';
import type { PreparedEvent } from './appendInTransaction.js';
import { timeOrderedUuid } from './eventIds.js';
import type { GroupCommitStats } from './groupCommit.js';
import { createGroupCommitter } from './groupCommit.js';
import { readAll, readStream } from './reads.js';
import type { EventRow } from './rows.js';
import { serializeData, serializeMetadata, serverTimeNow } from './rows.js';
import { openEventDatabase } from './schema.js';
import type { ReadStatements } from './statements.js';
import { prepareReadStatements, prepareWriteStatements } from './statements.js';
import { createStreamHeads } from './streamHeads.js';
import type { WalSync } from './walSync.js';
import { createWalSync } from './walSync.js';
import type { DurationStats } from '../../sqlite/durationStats.js';
import type { CommitFeed } from './subscribeAll.js';
import { subscribeAll } from './subscribeAll.js';
import type { VisibleBound } from './visibleBound.js';
import { UNBOUNDED, visibleBoundOver } from './visibleBound.js';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for a private in-memory log. */
  path: string;
  /** FULL (the default): an acknowledged append survives power loss. NORMAL: it survives a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often a caught-up subscription looks for events written by another process. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** Commit at once when this many events are queued. */
  maxBatchEvents?: number;
  /**
   * The least time between the starts of two commits (0, the default: none). Appends that come
   * sooner wait and share the next transaction and its sync: fewer, larger commits when appends
   * come one at a time, for at most that much latency.
   */
  commitIntervalMs?: number;
  /** Events read per page by subscriptions. */
  pageSize?: number;
  /** Streams whose last revision is kept in memory. */
  maxCachedStreams?: number;
  /**
   * How often a thread of its own checkpoints the WAL of a writer (see walCheckpointer.ts); 1 s by
   * default. 0 leaves checkpoints to SQLite, inside the commit that crosses `walAutocheckpointPages`.
   */
  checkpointIntervalMs?: number;
  /** WAL size, in pages, at which a commit checkpoints when SQLite does it; larger means fewer, bigger checkpoints. */
  walAutocheckpointPages?: number;
  /** Page cache of the connection, in KiB. */
  cacheSizeKiB?: number;
  /** Open for reading only (e.g. a projector process next to the writer); append then fails. */
  readonly?: boolean;
  /** Shared by the writer and its WAL checkpointer (tests pass their own, to hold it themselves). */
  writeGate?: WriteGate;
  /** How FULL makes commits durable off the event loop (tests replace it to control timing). */
  openWalSync?: (walPath: string) => WalSync;
  /**
   * Reading in another thread of the writer's process: the bound the writer shares (see
   * `shareVisibleBound`), so this store shows only what the writer has made durable.
   */
  visibleBound?: SharedArrayBuffer;
}

export interface SqliteEventStore extends EventStore {
  readonly kind: 'sqlite';
  /** Counters of the group commit, for tests and metrics. */
  stats(): GroupCommitStats;
  /** The checkpoint thread's gated passes (undefined without one: read-only, in memory, or left to SQLite). */
  walCheckpoints(): WalCheckpointStats | undefined;
  /** How long the log's syncs took (undefined unless appends wait for an fdatasync: FULL, on a file). */
  logSyncs(): DurationStats | undefined;
  /** The writer's side of `visibleBound`: shared memory it keeps up to date from now on. */
  shareVisibleBound(): SharedArrayBuffer;
  /** Called after each transaction this store commits has become durable. */
  onCommitted(listener: () => void): () => void;
  nudge(): void;
}

export const SQLITE_EVENT_STORE_DEFAULTS = {
  synchronous: 'FULL',
  busyTimeoutMs: 5_000,
  walAutocheckpointPages: 10_000,
  checkpointIntervalMs: 1_000,
  cacheSizeKiB: 65_536,
} as const;

export function createSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const readonly = options.readonly ?? false;
  const synchronous = options.synchronous ?? SQLITE_EVENT_STORE_DEFAULTS.synchronous;
  // FULL would fsync inside COMMIT, on the event loop. Instead the connection runs NORMAL (which
  // still syncs around checkpoints) and every commit is followed by an fdatasync of the WAL on the
  // thread pool before its appends are acknowledged: the same guarantee, without the stall.
  const walSync =
    synchronous === 'FULL' && !readonly && options.path !== ':memory:' && options.path !== ''
      ? (options.openWalSync ?? createWalSync)(`${options.path}-wal`)
      : undefined;
  const autocheckpointPages = Math.round(options.walAutocheckpointPages ?? SQLITE_EVENT_STORE_DEFAULTS.walAutocheckpointPages);
  const db = openEventDatabase({
    path: options.path,
    synchronous: walSync ? 'NORMAL' : synchronous,
    busyTimeoutMs: options.busyTimeoutMs ?? SQLITE_EVENT_STORE_DEFAULTS.busyTimeoutMs,
    walAutocheckpointPages: autocheckpointPages,
    cacheSizeKiB: options.cacheSizeKiB ?? SQLITE_EVENT_STORE_DEFAULTS.cacheSizeKiB,
    readonly,
  });
  // A checkpoint syncs the database file, which on a slow disk can take seconds inside a commit on
  // the event loop. From its own thread it never blocks the writer; it still waits for the WAL to
  // reach the autocheckpoint size, so the disk sees as few of those syncs as before.
  const checkpointIntervalMs = options.checkpointIntervalMs ?? SQLITE_EVENT_STORE_DEFAULTS.checkpointIntervalMs;
  const gate =
    !readonly && checkpointIntervalMs > 0 && !db.memory
      ? (options.writeGate ?? createWriteGate())
      : undefined;
  const checkpointer = gate
    ? startWalCheckpointer({
        path: db.name,
        intervalMs: checkpointIntervalMs,
        minWalBytes: autocheckpointPages * Number(db.pragma('page_size', { simple: true })),
        gate,
        onFailure: () => {
          if (db.open) db.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
        },
      })
    : undefined;
  if (checkpointer) db.pragma('wal_autocheckpoint = 0');
  const read = prepareReadStatements(db);
  const commitListeners = new Set<(rows: EventRow[]) => void>();
  const committedListeners = new Set<() => void>();
  const readerBound = options.visibleBound === undefined ? undefined : visibleBoundOver(options.visibleBound);
  let sharedBound: VisibleBound | undefined;
  const closeListeners = new Set<() => void>();
  const feed: CommitFeed = {
    listen(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
  };
  const committer = readonly
    ? undefined
    : createGroupCommitter({
        db,
        write: prepareWriteStatements(db),
        read,
        heads: createStreamHeads(read, options.maxCachedStreams ?? 100_000),
        maxBatchEvents: options.maxBatchEvents ?? 2_000,
        commitIntervalMs: options.commitIntervalMs ?? 0,
        wantsCommittedRows: () => commitListeners.size > 0 || committedListeners.size > 0,
        publishCommitted: (rows) => {
          for (const listener of commitListeners) listener(rows);
          for (const listener of committedListeners) listener();
        },
        ...(walSync ? { syncCommitted: () => walSync.sync() } : {}),
        publishVisibleBound: (bound) => sharedBound?.set(bound),
        ...(gate ? { gate } : {}),
      });
  const visibleHead = (): number => {
    const head = read.headPosition.get() ?? 0;
    if (readerBound) return Math.min(head, readerBound.get());
    return committer ? committer.visibleHead(head) : head;
  };
  let closed = false;

  const whileOpen = <T>(work: (statements: ReadStatements) => T): Promise<T> => {
    if (closed) return Promise.reject(new EventStoreUnavailableError('event store is closed'));
    try {
      return Promise.resolve(work(read));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  return {
    kind: 'sqlite',

    append(stream, events, expected) {
      if (closed) return Promise.reject(new EventStoreUnavailableError('event store is closed'));
      if (!committer) return Promise.reject(new Error('event store was opened read-only'));
      let prepared: PreparedEvent[];
      let hasGivenIds = false;
      try {
        const serverTime = serverTimeNow();
        prepared = events.map((event: NewEvent) => {
          if (event.id !== undefined) hasGivenIds = true;
          return {
            id: event.id ?? timeOrderedUuid(),
            type: event.type,
            data: serializeData(event.data),
            metadata: serializeMetadata(event.metadata, serverTime),
          };
        });
      } catch (error) {
        return Promise.reject(error);
      }
      return committer.enqueue({ stream, expected, events: prepared, hasGivenIds });
    },

    readStream: (stream, readOptions) => whileOpen((statements) => readStream(statements, stream, readOptions)),

    readAll: (readOptions) => whileOpen((statements) => readAll(statements, visibleHead, readOptions)),

    subscribeAll: (subscribeOptions) =>
      subscribeAll(
        {
          read,
          visibleHead,
          feed,
          pageSize: options.pageSize ?? 500,
          pollIntervalMs: options.pollIntervalMs ?? 200,
          maxHandedRows: 10_000,
        },
        subscribeOptions,
      ),

    headPosition: () => whileOpen((statements) => BigInt(statements.headPosition.get() ?? 0)),

    ping: () =>
      whileOpen((statements) => {
        statements.ping.get();
      }),

    async close() {
      if (closed) return;
      // Stopped first, so the gate is open for the last flush.
      await checkpointer?.stop();
      committer?.flush();
      await walSync?.close();
      closed = true;
      for (const listener of [...closeListeners]) listener();
      db.close();
    },

    stats: () =>
      committer?.stats() ?? { transactions: 0, appends: 0, events: 0, batchesReplayedOneByOne: 0, largestBatch: 0 },

    walCheckpoints: () => checkpointer?.stats(),

    logSyncs: () => walSync?.stats?.(),

    shareVisibleBound() {
      if (!sharedBound) {
        sharedBound = visibleBoundOver();
        sharedBound.set(committer ? committer.visibleBound() : UNBOUNDED);
      }
      return sharedBound.buffer;
    },

    onCommitted(listener) {
      committedListeners.add(listener);
      return () => committedListeners.delete(listener);
    },

    nudge() {
      for (const listener of commitListeners) listener([]);
    },
  };
}
