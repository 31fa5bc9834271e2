import type { EventContext, EventStore } from '../../stores/events/port.js';
import { createAggregateStore } from '../../commands/aggregateStore.js';
import type { Outcome } from '../../commands/streamCommandQueue.js';
import { createStreamCommandQueue } from '../../commands/streamCommandQueue.js';
import { isRejection } from '../../domain/shared/decider.js';
import type { BookCommand, BookEntry } from '../../domain/books/commands.js';
import { decideBooks } from '../../domain/books/decider.js';
import type { BookEvent } from '../../domain/books/events.js';
import { BOOKS_STREAM } from '../../domain/books/events.js';
import type { BooksState } from '../../domain/books/state.js';
import { evolveBooks, initialBooksState } from '../../domain/books/state.js';

/** What a command changed, and the registry after it. */
export interface BooksChange {
  readonly events: readonly BookEvent[];
  readonly state: BooksState;
}

export interface BookCommands {
  register(book: BookEntry, options: { replace?: boolean }, context: EventContext): Promise<Outcome<BooksChange>>;
  remove(name: string, context: EventContext): Promise<Outcome<BooksChange>>;
  importCatalogue(
    books: readonly BookEntry[],
    options: { prune?: boolean; onlyIfEmpty?: boolean },
    context: EventContext,
  ): Promise<Outcome<BooksChange>>;
  /** The registry as stored now (read from the stream). */
  current(): Promise<BooksState>;
}

export interface BookCommandsOptions {
  eventStore: EventStore;
  now?: () => number;
}

/**
 * The write side of the book registry: one stream, decided on its current state and appended
 * with optimistic concurrency (the queue reads the stream again and decides again when another
 * process wrote meanwhile, so two servers syncing the catalogue never append a change twice).
 */
export const createBookCommands = (options: BookCommandsOptions): BookCommands => {
  const { eventStore } = options;
  const now = options.now ?? Date.now;
  const aggregates = createAggregateStore<BooksState, BookEvent>({
    eventStore,
    definition: { initialState: initialBooksState, evolve: evolveBooks },
    maxCached: 1,
  });
  const queue = createStreamCommandQueue<BooksState, BookEvent>({ eventStore, aggregates, evolve: evolveBooks });

  const submit = (command: BookCommand, context: EventContext): Promise<Outcome<BooksChange>> =>
    queue.submit<BooksChange>(
      BOOKS_STREAM,
      (state) => {
        const decision = decideBooks(command, state, { now: now() });
        if (isRejection(decision)) return decision;
        return { events: decision, reply: { events: decision, state: decision.reduce(evolveBooks, state) } };
      },
      context,
    );

  return {
    register: (book, { replace }, context) => submit({ type: 'RegisterBook', book, ...(replace ? { replace } : {}) }, context),
    remove: (name, context) => submit({ type: 'RemoveBook', name }, context),
    importCatalogue: (books, { prune, onlyIfEmpty }, context) =>
      submit({ type: 'ImportCatalogue', books, ...(prune ? { prune } : {}), ...(onlyIfEmpty ? { onlyIfEmpty } : {}) }, context),
    async current() {
      return (await aggregates.load(BOOKS_STREAM, { fresh: true })).state;
    },
  };
};
