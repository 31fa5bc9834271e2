import type Database from 'better-sqlite3';
import type { AppendResult } from '../port.js';
import { EventStoreUnavailableError } from '../errors.js';
import type { AppendOutcome, AppendRequest } from './appendInTransaction.js';
import { appendInTransaction } from './appendInTransaction.js';
import type { EventRow } from './rows.js';
import type { ReadStatements, WriteStatements } from './statements.js';
import type { StreamHeads } from './streamHeads.js';

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
  /** Commits everything queued now, synchronously. */
  flush(): void;
  stats(): GroupCommitStats;
}

export interface GroupCommitDependencies {
  db: Database.Database;
  write: WriteStatements;
  read: ReadStatements;
  heads: StreamHeads;
  /** Flush at once, without waiting for setImmediate, when this many events are queued. */
  maxBatchEvents: number;
  /** Whether anyone listens for committed rows (building them costs an object per event). */
  wantsCommittedRows: () => boolean;
  publishCommitted: (rows: EventRow[]) => void;
}

interface QueuedAppend extends AppendRequest {
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Queues appends from concurrent callers and commits them together in one transaction on the next
 * turn of the event loop. Each caller's promise settles only after COMMIT returned, and a rejected
 * append (wrong expected version, reused id) does not affect its batch mates.
 */
export function createGroupCommitter(deps: GroupCommitDependencies): GroupCommitter {
  const { write, heads } = deps;
  let queue: QueuedAppend[] = [];
  let queuedEvents = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let knownDataVersion = write.dataVersion.get();
  const stats: GroupCommitStats = {
    transactions: 0,
    appends: 0,
    events: 0,
    batchesReplayedOneByOne: 0,
    largestBatch: 0,
  };

  const flush = (): void => {
    if (scheduled) {
      clearImmediate(scheduled);
      scheduled = undefined;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queuedEvents = 0;
    commitBatch(batch);
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
  };

  const abandon = (): void => {
    if (deps.db.inTransaction) write.rollback.run();
    heads.clear();
  };

  const commitBatch = (batch: QueuedAppend[]): void => {
    try {
      beginWriting();
    } catch (error) {
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
    for (let i = 0; i < batch.length; i++) settle(batch[i]!, outcomes[i]!);
    if (committedRows && committedRows.length > 0) deps.publishCommitted(committedRows);
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
    settle(request, outcome);
    if (committedRows && committedRows.length > 0) deps.publishCommitted(committedRows);
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
        else scheduled ??= setImmediate(flush);
      });
    },
    flush,
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
