import type { EpochMs } from '../shared/time.js';

/** One entry as an operator or a catalogue gives it (values not yet checked). */
export interface BookEntry {
  readonly name: string;
  readonly positions: number;
  readonly sri: string;
}

export type BookCommand =
  /** `replace` allows changing an entry that exists (otherwise refused). */
  | { readonly type: 'RegisterBook'; readonly book: BookEntry; readonly replace?: boolean }
  | { readonly type: 'RemoveBook'; readonly name: string }
  /**
   * A whole catalogue (a `books.json`): new and changed books are registered; with `prune`, books
   * missing from it are removed. `onlyIfEmpty` applies it only to a registry never written
   * before (the seed file at start-up).
   */
  | { readonly type: 'ImportCatalogue'; readonly books: readonly BookEntry[]; readonly prune?: boolean; readonly onlyIfEmpty?: boolean };

export interface BookContext {
  readonly now: EpochMs;
}

export type BookRejectionCode = 'invalid_book' | 'already_registered' | 'unchanged' | 'not_registered' | 'duplicate_in_catalogue';
