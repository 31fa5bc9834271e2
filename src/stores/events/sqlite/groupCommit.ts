import type Database from 'better-sqlite3';
import type { AppendResult } from '../port.js';
import { EventStoreUnavailableError } from '../errors.js';
import type { AppendOutcome, AppendRequest } from './appendInTransaction.js';
import { appendInTransaction } from './appendInTransaction.js';
import type { EventRow } from './rows.js';
import type { ReadStatements, WriteStatements } from './statements.js';
import type { StreamHeads } from './streamHeads.js';
import { UNBOUNDED } from './visibleBound.js';
import type { WriteGate } from '../../sqlite/writeGate.js';

export interface GroupCommitStats {
  /** Transactions committed, batches and one-by-one retries alike. */
  transactions: number;
  appends: number;
  events: number;
  /** Batches that hit an unexpected error and were re-run one append per transaction. */
  batchesReplayedOneByOne: number;
  largestBatch: number;
}

export interface GroupCommitter {
  enqueue(request: AppendRequest): Promise<AppendResult>;
  /** Commits everything queued now, synchronously (their promises settle once durable). */
  flush(): void;
  /**
   * The highest position readers may see given the database's head: while a commit waits for its
   * fsync, its rows stay hidden, so no projection stores an event a power loss could take back.
   */
  visibleHead(databaseHead: number): number;
  /** The bound `publishVisibleBound` last reported (or would have). */
  visibleBound(): number;
  stats(): GroupCommitStats;
}

export interface GroupCommitDependencies {
  db: Database.Database;
  write: WriteStatements;
  read: ReadStatements;
  heads: StreamHeads;
  /** Flush at once, without waiting for setImmediate, when this many events are queued. */
  maxBatchEvents: number;
  /**
   * The least time between the starts of two commits (0: none). Appends arriving sooner wait
   * and share the next transaction and its sync.
   */
  commitIntervalMs?: number;
  /** Whether anyone listens for committed rows (building them costs an object per event). */
  wantsCommittedRows: () => boolean;
  publishCommitted: (rows: EventRow[]) => void;
  /**
   * Makes committed transactions durable; absent when COMMIT itself is enough (the connection
   * syncs, or durability was traded away). Appends settle only after it resolves.
   */
  syncCommitted?: () => Promise<void>;
  /**
   * Told the highest position readers elsewhere may see whenever it changes: lowered to the durable
   * head before a transaction starts, lifted to UNBOUNDED once no commit awaits its sync.
   */
  publishVisibleBound?: (bound: number) => void;
  /** Shared with the WAL checkpointer: while it holds the gate, commits wait in the queue. */
  gate?: WriteGate;
}

interface QueuedAppend extends AppendRequest {
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Queues appends from concurrent callers and commits them together in one transaction on the next
 * turn of the event loop, or, while the previous commit's sync is running, once that sync ends.
 * Each caller's promise settles only after COMMIT returned (and its sync, when there is one), and
 * a rejected append (wrong expected version, reused id) does not affect its batch mates.
 */
export function createGroupCommitter(deps: GroupCommitDependencies): GroupCommitter {
  const { write, heads } = deps;
  let queue: QueuedAppend[] = [];
  let queuedEvents = 0;
  let scheduled: { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout } | undefined;
  const minInterval = deps.commitIntervalMs ?? 0;
  let lastCommitStarted = Number.NEGATIVE_INFINITY;
  let waitingForGate = false;
  let knownDataVersion = write.dataVersion.get();
  /** Transactions committed whose sync has not finished yet. */
  let unsynced = 0;
  /** Every position up to here is durable (meaningful while `unsynced` > 0). */
  let durableHead = 0;
  const stats: GroupCommitStats = {
    transactions: 0,
    appends: 0,
    events: 0,
    batchesReplayedOneByOne: 0,
    largestBatch: 0,
  };

  const schedule = (): void => {
    if (scheduled) return;
    const wait = minInterval > 0 ? lastCommitStarted + minInterval - performance.now() : 0;
    scheduled = wait > 0 ? { kind: 'timeout', handle: setTimeout(flush, wait) } : { kind: 'immediate', handle: setImmediate(flush) };
  };

  const flush = (): void => {
    if (scheduled?.kind === 'immediate') clearImmediate(scheduled.handle);
    else if (scheduled?.kind === 'timeout') clearTimeout(scheduled.handle);
    scheduled = undefined;
    if (queue.length === 0 || waitingForGate) return;
    const gate = deps.gate;
    if (gate && !gate.tryEnter()) {
      waitingForGate = true;
      gate.whenReleased(() => {
        waitingForGate = false;
        flush();
      });
      return;
    }
    const batch = queue;
    queue = [];
    queuedEvents = 0;
    lastCommitStarted = performance.now();
    try {
      commitBatch(batch);
    } finally {
      gate?.leave();
    }
  };

  const beginWriting = (): void => {
    write.begin.run();
    // Another connection may have written since our last transaction; the write lock we now
    // hold keeps it from writing again until we commit.
    const dataVersion = write.dataVersion.get();
    if (dataVersion !== knownDataVersion) {
      heads.clear();
      knownDataVersion = dataVersion;
    }
    // With no sync pending, everything already in the log is durable: readers may see up to here.
    if (deps.syncCommitted && unsynced === 0) durableHead = Math.max(durableHead, deps.read.headPosition.get() ?? 0);
    if (deps.syncCommitted) deps.publishVisibleBound?.(durableHead);
  };

  const abandon = (): void => {
    if (deps.db.inTransaction) write.rollback.run();
    heads.clear();
    if (unsynced === 0) deps.publishVisibleBound?.(UNBOUNDED);
  };

  /**
   * Settles a committed transaction's appends, after its sync when there is one. A failed sync
   * leaves the rows committed but maybe not on disk: the callers are told, and a retry with the
   * same ids is recognised.
   */
  const afterCommit = (requests: QueuedAppend[], outcomes: AppendOutcome[], rows: EventRow[] | undefined): void => {
    const finish = (syncError?: { cause: unknown }): void => {
      const failure = syncError && new EventStoreUnavailableError('could not make the append durable (WAL sync failed)', syncError);
      for (let i = 0; i < requests.length; i++) {
        if (failure) requests[i]!.reject(failure);
        else settle(requests[i]!, outcomes[i]!);
      }
      if (rows && rows.length > 0) deps.publishCommitted(rows);
    };
    const sync = deps.syncCommitted;
    if (!sync) {
      finish();
      return;
    }
    unsynced++;
    const lastPosition = outcomes.reduce((max, outcome) => (outcome.ok ? Math.max(max, Number(outcome.result.position)) : max), durableHead);
    const synced = (syncError?: { cause: unknown }): void => {
      unsynced--;
      durableHead = Math.max(durableHead, lastPosition);
      deps.publishVisibleBound?.(unsynced === 0 ? UNBOUNDED : durableHead);
      finish(syncError);
      if (unsynced === 0 && queue.length > 0) schedule();
    };
    sync().then(
      () => synced(),
      (error: unknown) => synced({ cause: error }),
    );
  };

  const commitBatch = (batch: QueuedAppend[]): void => {
    try {
      beginWriting();
    } catch (error) {
      abandon();
      for (const request of batch) request.reject(asStoreError(error));
      return;
    }
    const committedRows = deps.wantsCommittedRows() ? [] : undefined;
    const context = { write, read: deps.read, heads, committedRows };
    const outcomes: AppendOutcome[] = [];
    try {
      for (const request of batch) outcomes.push(appendInTransaction(context, request));
    } catch {
      abandon();
      stats.batchesReplayedOneByOne++;
      for (const request of batch) commitAlone(request);
      return;
    }
    try {
      write.commit.run();
    } catch (error) {
      abandon();
      for (const request of batch) request.reject(asStoreError(error));
      return;
    }
    stats.transactions++;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    afterCommit(batch, outcomes, committedRows);
  };

  const commitAlone = (request: QueuedAppend): void => {
    const committedRows = deps.wantsCommittedRows() ? [] : undefined;
    let outcome: AppendOutcome;
    try {
      beginWriting();
      outcome = appendInTransaction({ write, read: deps.read, heads, committedRows }, request);
      write.commit.run();
    } catch (error) {
      try {
        abandon();
      } catch {
        // The original error is the one worth reporting.
      }
      request.reject(asStoreError(error));
      return;
    }
    stats.transactions++;
    afterCommit([request], [outcome], committedRows);
  };

  const settle = (request: QueuedAppend, outcome: AppendOutcome): void => {
    if (outcome.ok) {
      stats.appends++;
      stats.events += request.events.length;
      request.resolve(outcome.result);
    } else {
      request.reject(outcome.error);
    }
  };

  return {
    enqueue(request) {
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({
          stream: request.stream,
          expected: request.expected,
          events: request.events,
          hasGivenIds: request.hasGivenIds,
          resolve,
          reject,
        });
        queuedEvents += request.events.length;
        if (queuedEvents >= deps.maxBatchEvents) flush();
        // While a sync runs, a commit now would wait for the next sync anyway: committing when it
        // ends makes one transaction of everything queued meanwhile, at no cost in latency.
        else if (!(deps.syncCommitted && unsynced > 0)) schedule();
      });
    },
    flush,
    visibleHead: (databaseHead) => (unsynced === 0 ? databaseHead : Math.min(databaseHead, durableHead)),
    visibleBound: () => (unsynced === 0 ? UNBOUNDED : durableHead),
    stats: () => ({ ...stats }),
  };
}

const TRANSIENT_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT']);

function asStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) {
    return new EventStoreUnavailableError(`event store is busy (${code})`, { cause: error });
  }
  return error;
}
