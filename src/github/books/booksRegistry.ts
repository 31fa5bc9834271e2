import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../../stores/events/port.js';
import { StreamNotFoundError } from '../../stores/events/errors.js';
import type { BookEvent } from '../../domain/books/events.js';
import { BOOK_EVENT_TYPES, BOOKS_STREAM } from '../../domain/books/events.js';
import type { Book, BooksState } from '../../domain/books/state.js';
import { evolveBooks, initialBooksState, sortedBooks } from '../../domain/books/state.js';

/**
 * The book registry in memory, for the scheduler's `book_sri` (a synchronous lookup on every
 * task) and the run form. It reads the `books` stream once, then follows the log, so a book the
 * operator CLI adds reaches a running server within the store's polling interval.
 */
export interface BooksRegistry {
  /**
   * Reads the stream (the first call starts it) and resolves once the events appended before
   * the call are applied; until then every lookup answers "unknown".
   */
  ready(): Promise<void>;
  get(name: string): Book | undefined;
  /** The sri sent to workers as `book_sri`; undefined for an unknown book. */
  sriOf(name: string): string | undefined;
  /** Every book, by name. */
  list(): Book[];
  /** Called after each applied event; returns the function that stops listening. */
  onChange(listener: (state: BooksState) => void): () => void;
  close(): Promise<void>;
}

export interface BooksRegistryOptions {
  eventStore: EventStore;
  /** Keep following the stream after the first read (default true; false for one-shot tools). */
  follow?: boolean;
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

const BOOK_TYPES: ReadonlySet<string> = new Set(BOOK_EVENT_TYPES);

export const createBooksRegistry = (options: BooksRegistryOptions): BooksRegistry => {
  const { eventStore } = options;
  const follow = options.follow ?? true;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  let state = initialBooksState();
  let revision = -1n;
  let position = 0n;
  let subscription: Subscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const listeners = new Set<(state: BooksState) => void>();

  const apply = (event: RecordedEvent): void => {
    if (event.position > position) position = event.position;
    if (event.streamId !== BOOKS_STREAM || event.revision <= revision) return;
    revision = event.revision;
    if (!BOOK_TYPES.has(event.type)) return;
    state = evolveBooks(state, { type: event.type, data: event.data } as BookEvent);
    for (const listener of listeners) listener(state);
  };

  const subscribe = (): void => {
    if (closed) return;
    subscription = eventStore.subscribeAll({ fromPosition: position, filter: { streamPrefixes: [BOOKS_STREAM] } }).subscribe({
      next: apply,
      error: (error: unknown) => {
        options.onError?.(error);
        if (closed) return;
        retryTimer = setTimeout(subscribe, retryDelayMs);
        retryTimer.unref();
      },
    });
  };

  const start = async (): Promise<void> => {
    // The head first: an event appended while the stream is read comes twice and is skipped by revision.
    const head = await eventStore.headPosition();
    let events: RecordedEvent[] = [];
    try {
      events = await eventStore.readStream(BOOKS_STREAM);
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw err;
    }
    for (const event of events) apply(event);
    if (head > position) position = head;
    if (follow) subscribe();
  };
  let started: Promise<void> | undefined;

  return {
    ready: () => (started ??= start()),
    get: (name) => state.books.get(name),
    sriOf: (name) => state.books.get(name)?.sri,
    list: () => sortedBooks(state),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await started?.catch(() => undefined);
      subscription?.unsubscribe();
    },
  };
};
