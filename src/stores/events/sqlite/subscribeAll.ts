import { Observable } from 'rxjs';
import type { RecordedEvent, SubscribeAllOptions } from '../port.js';
import type { EventRow } from './rows.js';
import { toRecordedEvent } from './rows.js';
import type { Page, VisibleHead } from './reads.js';
import { matchesFilter, readPage } from './reads.js';
import type { ReadStatements } from './statements.js';

export interface CommitFeed {
  /**
   * Called with the rows of every transaction this process commits, in position order, or with no
   * rows when events may have arrived some other way (the log is then read to find them).
   */
  listen(listener: (rows: EventRow[]) => void): () => void;
  /** Called when the store closes. */
  onClose(listener: () => void): () => void;
}

export interface SubscriptionSettings {
  read: ReadStatements;
  visibleHead: VisibleHead;
  feed: CommitFeed;
  pageSize: number;
  pollIntervalMs: number;
  /** Committed rows kept for a subscriber that is busy; past this it reads them from the database. */
  maxHandedRows: number;
}

/**
 * Rows committed in this process reach every live subscriber as the same objects: each is decoded
 * once, not once per subscriber (consumers treat events as immutable).
 */
const decoded = new WeakMap<EventRow, RecordedEvent>();
const decodeOnce = (row: EventRow): RecordedEvent => {
  let event = decoded.get(row);
  if (event === undefined) {
    event = toRecordedEvent(row);
    decoded.set(row, event);
  }
  return event;
};

/**
 * Catch-up then live. Every event is emitted from either a database page or a just-committed batch
 * that starts exactly after the last position considered, so none is skipped or repeated. Waiting
 * ends on a commit in this process or after the poll interval, which picks up other processes' writes.
 */
export function subscribeAll(settings: SubscriptionSettings, options: SubscribeAllOptions = {}): Observable<RecordedEvent> {
  return new Observable<RecordedEvent>((subscriber) => {
    const { filter, ready } = options;
    let after = Number(options.fromPosition ?? 0n);
    let handed: EventRow[][] = [];
    let handedRows = 0;
    let wake: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const stopListening = settings.feed.listen((rows) => {
      if (rows.length > 0 && handedRows + rows.length <= settings.maxHandedRows) {
        handed.push(rows);
        handedRows += rows.length;
      }
      // When full, the rows are simply not kept: the database still has them.
      wake?.();
    });
    const stopOnClose = settings.feed.onClose(() => subscriber.complete());

    const nextPage = (): Page => {
      // Batches that end at or before `after` were already covered by a database page.
      while (handed.length > 0 && lastPosition(handed[0]!) <= after) handedRows -= handed.shift()!.length;
      const batch = handed[0];
      if (batch && batch[0]!.position === after + 1) {
        handed.shift();
        handedRows -= batch.length;
        return { rows: batch, scannedTo: lastPosition(batch), caughtUp: handed.length === 0 };
      }
      // Not contiguous (another process wrote, or rows were dropped): the database decides.
      handed = [];
      handedRows = 0;
      return readPage(settings.read, settings.visibleHead, after, settings.pageSize, filter);
    };

    const waitForNews = (): Promise<void> =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, settings.pollIntervalMs);
      }).finally(() => {
        wake = undefined;
        clearTimeout(timer);
        timer = undefined;
      });

    const run = async (): Promise<void> => {
      await Promise.resolve();
      while (!subscriber.closed) {
        if (ready) {
          await ready();
          if (subscriber.closed) return;
        }
        const page = nextPage();
        for (const row of page.rows) {
          if (subscriber.closed) return;
          if (matchesFilter(row.stream_id, filter)) subscriber.next(decodeOnce(row));
        }
        after = page.scannedTo;
        if (page.caughtUp && handed.length === 0 && !subscriber.closed) await waitForNews();
      }
    };

    run().catch((error: unknown) => subscriber.error(error));

    return () => {
      stopListening();
      stopOnClose();
      wake?.();
    };
  });
}

function lastPosition(rows: readonly EventRow[]): number {
  return rows[rows.length - 1]?.position ?? 0;
}
