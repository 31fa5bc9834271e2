import type { Decider, Decision, Rejection } from '../shared/decider.js';
import { isRejection, reject } from '../shared/decider.js';
import { toIso } from '../shared/time.js';
import type { BookCommand, BookContext, BookEntry, BookRejectionCode } from './commands.js';
import type { BookEvent } from './events.js';
import { BOOK_MESSAGES, isBookName, isPositionCount, normalizeSri } from './rules.js';
import type { BooksState } from './state.js';
import { evolveBooks, initialBooksState } from './state.js';

type BookDecision = Decision<BookEvent, BookRejectionCode>;

/** The entry with its sri normalised, or the first rule it breaks. */
export const checkBookEntry = (entry: BookEntry): BookEntry | Rejection<BookRejectionCode> => {
  if (!isBookName(entry.name)) return reject('invalid_book', BOOK_MESSAGES.invalidName(entry.name));
  if (!isPositionCount(entry.positions)) return reject('invalid_book', BOOK_MESSAGES.invalidPositions(entry.name));
  const sri = normalizeSri(entry.sri);
  if (sri === undefined) return reject('invalid_book', BOOK_MESSAGES.invalidSri(entry.name));
  return { name: entry.name, positions: entry.positions, sri };
};

const registered = (book: BookEntry, at: string): BookEvent => ({
  type: 'BookRegistered',
  data: { name: book.name, positions: book.positions, sri: book.sri, at },
});

const sameEntry = (state: BooksState, book: BookEntry): boolean => {
  const current = state.books.get(book.name);
  return current !== undefined && current.positions === book.positions && current.sri === book.sri;
};

const decideImport = (command: Extract<BookCommand, { type: 'ImportCatalogue' }>, state: BooksState, at: string): BookDecision => {
  if (command.onlyIfEmpty === true && state.version > 0) return [];
  const seen = new Set<string>();
  const events: BookEvent[] = [];
  for (const entry of command.books) {
    const book = checkBookEntry(entry);
    if (isRejection(book)) return book;
    if (seen.has(book.name)) return reject('duplicate_in_catalogue', BOOK_MESSAGES.duplicateInCatalogue(book.name));
    seen.add(book.name);
    if (!sameEntry(state, book)) events.push(registered(book, at));
  }
  if (command.prune === true) {
    for (const name of state.books.keys()) if (!seen.has(name)) events.push({ type: 'BookRemoved', data: { name, at } });
  }
  return events;
};

/**
 * The registry's rules. A command that would change nothing is refused (so a mistyped command
 * never appends an event), except an import, which answers with no events when the registry
 * already matches the catalogue.
 */
export const decideBooks = (command: BookCommand, state: BooksState, context: BookContext): BookDecision => {
  const at = toIso(context.now);
  switch (command.type) {
    case 'RegisterBook': {
      const book = checkBookEntry(command.book);
      if (isRejection(book)) return book;
      if (sameEntry(state, book)) return reject('unchanged', BOOK_MESSAGES.unchanged(book.name));
      if (state.books.has(book.name) && command.replace !== true) {
        return reject('already_registered', BOOK_MESSAGES.alreadyRegistered(book.name));
      }
      return [registered(book, at)];
    }
    case 'RemoveBook':
      if (!state.books.has(command.name)) return reject('not_registered', BOOK_MESSAGES.notRegistered(command.name));
      return [{ type: 'BookRemoved', data: { name: command.name, at } }];
    case 'ImportCatalogue':
      return decideImport(command, state, at);
  }
};

export const booksDecider: Decider<BookCommand, BookEvent, BooksState, BookContext> = {
  decide: decideBooks,
  evolve: evolveBooks,
  initialState: initialBooksState,
};
