import type { BookEvent } from './events.js';

export interface Book {
  readonly name: string;
  readonly positions: number;
  readonly sri: string;
  /** When this entry was last registered (ISO-8601). */
  readonly registeredAt: string;
}

export interface BooksState {
  readonly books: ReadonlyMap<string, Book>;
  /** Events applied; 0 means the registry was never written (a seed file may still fill it). */
  readonly version: number;
}

export const initialBooksState = (): BooksState => ({ books: new Map(), version: 0 });

export const evolveBooks = (state: BooksState, event: BookEvent): BooksState => {
  const books = new Map(state.books);
  switch (event.type) {
    case 'BookRegistered':
      books.set(event.data.name, {
        name: event.data.name,
        positions: event.data.positions,
        sri: event.data.sri,
        registeredAt: event.data.at,
      });
      break;
    case 'BookRemoved':
      books.delete(event.data.name);
      break;
  }
  return { books, version: state.version + 1 };
};

/** Books by name, in byte order of their names. */
export const sortedBooks = (state: BooksState): Book[] =>
  [...state.books.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
