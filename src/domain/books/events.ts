/**
 * The events of the opening-book registry: one stream, `books`, for every book. Every event
 * names the book and carries the domain time `at` (ISO-8601); the operator who changed the
 * registry is the actor in the event metadata.
 */
interface BookEventShape<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data & { name: string; at: string }>;
}

/**
 * A book became known, or its entry changed. `positions` is upstream's `total` in `books.json`;
 * `sri` is the base64 SHA-384 of the book's text as the worker computes it (`text_hash`), sent to
 * workers as `book_sri`.
 */
export type BookRegistered = BookEventShape<'BookRegistered', { positions: number; sri: string }>;
export type BookRemoved = BookEventShape<'BookRemoved', Record<never, never>>;

export type BookEvent = BookRegistered | BookRemoved;
export type BookEventType = BookEvent['type'];

export const BOOK_EVENT_TYPES: readonly BookEventType[] = ['BookRegistered', 'BookRemoved'];

export const BOOKS_STREAM = 'books';
