import { describe, expect, it } from 'vitest';
import type { BookCommand, BookEvent, BooksState } from '../../../src/domain/books/index.js';
import { decideBooks, evolveBooks, initialBooksState, isBookName, normalizeSri, sortedBooks } from '../../../src/domain/books/index.js';
import { isRejection } from '../../../src/domain/shared/decider.js';

const SRI = 'QHAU1P3LurcJr7UTRI7HZCVFsoYBWC3OTsBqZY/FfQA6VQo3MmECWtByB4gVACW5';
const OTHER_SRI = 'B0D/PN334ez5R9K8mGspR5ZjfXb0sWoEObBnkCI7sczqZbaOHQ5aooqk97zeHM0a';
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

const given = (...commands: BookCommand[]): BooksState =>
  commands.reduce((state, command) => {
    const decision = decideBooks(command, state, { now: NOW });
    if (isRejection(decision)) throw new Error(decision.message);
    return decision.reduce(evolveBooks, state);
  }, initialBooksState());

const register = (name: string, positions = 1000, sri = SRI): BookCommand => ({ type: 'RegisterBook', book: { name, positions, sri } });

describe('book registry rules', () => {
  it('accepts upstream book names and refuses paths and other extensions', () => {
    for (const name of ['UHO_Lichess_4852_v1.epd', '8moves_v3.pgn', 'UHO_XXL_+0.80_+1.09.pgn', '4mvs_+90_+99.epd']) expect(isBookName(name)).toBe(true);
    for (const name of ['book.txt', '../etc/passwd.epd', 'dir/book.pgn', '.epd', 'a b.epd', '']) expect(isBookName(name)).toBe(false);
  });

  it('keeps the sri as the worker computes it (bare base64), dropping a sha384- prefix', () => {
    expect(normalizeSri(SRI)).toBe(SRI);
    expect(normalizeSri(`sha384-${SRI}`)).toBe(SRI);
    expect(normalizeSri(`${SRI}=`)).toBeUndefined();
    expect(normalizeSri(SRI.slice(1))).toBeUndefined();
  });

  it('registers a book with its positions and sri, at the decision time', () => {
    const decision = decideBooks(register('noob_3moves.epd', 150932, `sha384-${SRI}`), initialBooksState(), { now: NOW });
    expect(decision).toEqual<BookEvent[]>([
      { type: 'BookRegistered', data: { name: 'noob_3moves.epd', positions: 150932, sri: SRI, at: '2026-01-02T03:04:05.000Z' } },
    ]);
  });

  it('refuses bad entries, duplicates without --replace, no-op changes and unknown removals', () => {
    const state = given(register('a.epd'));
    const code = (command: BookCommand, on = state) => {
      const decision = decideBooks(command, on, { now: NOW });
      return isRejection(decision) ? [decision.code, decision.message] : 'accepted';
    };
    expect(code(register('a.txt'))).toEqual(['invalid_book', expect.stringMatching(/^Invalid book name "a.txt"/)]);
    expect(code(register('b.epd', 0))).toEqual(['invalid_book', 'Invalid number of positions for book b.epd: a positive integer is needed']);
    expect(code(register('b.epd', 1.5))[0]).toBe('invalid_book');
    expect(code(register('b.epd', 10, 'abc'))[0]).toBe('invalid_book');
    expect(code(register('a.epd', 2000))).toEqual(['already_registered', 'Book a.epd is already registered']);
    expect(code({ type: 'RegisterBook', book: { name: 'a.epd', positions: 1000, sri: SRI }, replace: true })).toEqual([
      'unchanged',
      'Book a.epd is already registered with these positions and sri',
    ]);
    expect(code({ type: 'RegisterBook', book: { name: 'a.epd', positions: 2000, sri: SRI }, replace: true })).toBe('accepted');
    expect(code({ type: 'RemoveBook', name: 'z.epd' })).toEqual(['not_registered', 'Book z.epd is not registered']);
    expect(code({ type: 'RemoveBook', name: 'a.epd' })).toBe('accepted');
  });

  it('imports a catalogue as the difference: new and changed books, removals only with prune', () => {
    const state = given(register('keep.epd'), register('change.epd'), register('gone.epd'));
    const catalogue: BookCommand = {
      type: 'ImportCatalogue',
      books: [
        { name: 'keep.epd', positions: 1000, sri: SRI },
        { name: 'change.epd', positions: 1000, sri: OTHER_SRI },
        { name: 'new.pgn', positions: 5, sri: SRI },
      ],
    };
    const decision = decideBooks(catalogue, state, { now: NOW });
    expect(isRejection(decision) ? decision : decision.map((event) => [event.type, event.data.name])).toEqual([
      ['BookRegistered', 'change.epd'],
      ['BookRegistered', 'new.pgn'],
    ]);
    const pruned = decideBooks({ ...catalogue, prune: true }, state, { now: NOW });
    expect(isRejection(pruned) ? pruned : pruned.map((event) => [event.type, event.data.name])).toContainEqual(['BookRemoved', 'gone.epd']);
    const after = given(register('keep.epd'), register('change.epd'), register('gone.epd'), { ...catalogue, prune: true });
    expect(sortedBooks(after).map((book) => book.name)).toEqual(['change.epd', 'keep.epd', 'new.pgn']);
    expect(after.books.get('change.epd')?.sri).toBe(OTHER_SRI);
  });

  it('refuses a whole catalogue with one bad or repeated entry, and seeds only a registry never written', () => {
    const bad = decideBooks({ type: 'ImportCatalogue', books: [{ name: 'ok.epd', positions: 1, sri: SRI }, { name: 'bad', positions: 1, sri: SRI }] }, initialBooksState(), { now: NOW });
    expect(isRejection(bad) && bad.code).toBe('invalid_book');
    const twice = decideBooks({ type: 'ImportCatalogue', books: [{ name: 'x.epd', positions: 1, sri: SRI }, { name: 'x.epd', positions: 2, sri: SRI }] }, initialBooksState(), { now: NOW });
    expect(isRejection(twice) && twice.message).toBe('Book x.epd appears twice in the catalogue');
    const seed: BookCommand = { type: 'ImportCatalogue', books: [{ name: 'seed.epd', positions: 1, sri: SRI }], onlyIfEmpty: true };
    expect(decideBooks(seed, initialBooksState(), { now: NOW })).toHaveLength(1);
    // Emptied by hand is not "never written": the seed does not come back.
    const emptied = given(register('a.epd'), { type: 'RemoveBook', name: 'a.epd' });
    expect(emptied.books.size).toBe(0);
    expect(decideBooks(seed, emptied, { now: NOW })).toEqual([]);
  });
});
