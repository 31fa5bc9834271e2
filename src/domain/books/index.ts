export type { BookCommand, BookContext, BookEntry, BookRejectionCode } from './commands.js';
export { booksDecider, checkBookEntry, decideBooks } from './decider.js';
export type { BookEvent, BookEventType, BookRegistered, BookRemoved } from './events.js';
export { BOOK_EVENT_TYPES, BOOKS_STREAM } from './events.js';
export { BOOK_MESSAGES, isBookName, isPositionCount, normalizeSri } from './rules.js';
export type { Book, BooksState } from './state.js';
export { evolveBooks, initialBooksState, sortedBooks } from './state.js';
