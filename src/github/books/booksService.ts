import { readFile } from 'node:fs/promises';
import type { EventContext, EventStore } from '../../stores/events/port.js';
import type { GitHubPort } from '../port.js';
import type { BookCommands } from './bookCommands.js';
import { createBookCommands } from './bookCommands.js';
import type { BooksRegistry } from './booksRegistry.js';
import { createBooksRegistry } from './booksRegistry.js';
import { parseBookCatalogue, parseBookCatalogueText } from './catalogue.js';

export interface BooksService {
  readonly registry: BooksRegistry;
  readonly commands: BookCommands;
  /** Seeds the registry from the file (first start only), waits until it is loaded, starts the GitHub sync. */
  start(): Promise<void>;
  /** Reads GitHub's catalogue once and registers new and changed books; the number of books changed. */
  syncNow(): Promise<number>;
  stop(): Promise<void>;
}

export interface BooksServiceOptions {
  eventStore: EventStore;
  github: GitHubPort;
  /** A `books.json` imported when the `books` stream has never been written. */
  seedFile?: string;
  /** In `http` mode, how often GitHub's catalogue is read (upstream: 900 s, the first time after 60 s). */
  syncIntervalMs?: number;
  syncInitialDelayMs?: number;
  now?: () => number;
  onError?: (error: unknown, where: string) => void;
  onInfo?: (message: string) => void;
}

const SYSTEM: EventContext = { actor: 'system', correlationId: 'books' };

/**
 * The book registry of a server process: the registry followed in memory (for `book_sri`), the
 * seed file, and in `http` mode a periodic read of GitHub's `books.json`. The sync registers
 * new and changed books but never removes one: a book a running run still uses must keep its
 * sri, and removing is the operator's call (`book remove`).
 */
export const createBooksService = (options: BooksServiceOptions): BooksService => {
  const { eventStore, github } = options;
  const registry = createBooksRegistry({ eventStore, onError: (err) => options.onError?.(err, 'books registry') });
  const commands = createBookCommands({ eventStore, ...(options.now ? { now: options.now } : {}) });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let syncing: Promise<unknown> = Promise.resolve();

  const seed = async (file: string): Promise<void> => {
    const parsed = parseBookCatalogueText(await readFile(file, 'utf8'));
    if (!parsed.ok) throw new Error(`BOOKS_FILE ${file}: ${parsed.message}`);
    const outcome = await commands.importCatalogue(parsed.books, { onlyIfEmpty: true }, { ...SYSTEM, correlationId: 'books-seed' });
    if (outcome.kind !== 'accepted') throw new Error(`BOOKS_FILE ${file}: ${outcome.message}`);
    if (outcome.reply.events.length > 0) options.onInfo?.(`registered ${outcome.reply.events.length} books from ${file}`);
  };

  const syncNow = async (): Promise<number> => {
    const catalogue = await github.fetchBookCatalogue();
    if (catalogue === null) return 0;
    const parsed = parseBookCatalogue(catalogue);
    if (!parsed.ok) throw new Error(`GitHub's books.json: ${parsed.message}`);
    const outcome = await commands.importCatalogue(parsed.books, {}, { ...SYSTEM, correlationId: 'books-sync' });
    if (outcome.kind !== 'accepted') throw new Error(`GitHub's books.json: ${outcome.message}`);
    return outcome.reply.events.length;
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      const run = syncNow()
        .then((changed) => {
          if (changed > 0) options.onInfo?.(`books.json from GitHub changed ${changed} books`);
        })
        .catch((err: unknown) => options.onError?.(err, 'books sync'))
        .finally(() => schedule(options.syncIntervalMs ?? 900_000));
      syncing = run;
    }, delayMs);
    timer.unref();
  };

  return {
    registry,
    commands,
    async start() {
      if (options.seedFile !== undefined) await seed(options.seedFile);
      await registry.ready();
      if (github.mode === 'http') schedule(options.syncInitialDelayMs ?? 60_000);
    },
    syncNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await syncing.catch(() => undefined);
      await registry.close();
    },
  };
};
