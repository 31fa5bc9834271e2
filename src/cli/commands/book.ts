import { readFile } from 'node:fs/promises';
import type { Outcome } from '../../commands/streamCommandQueue.js';
import type { BookCommands, BooksChange } from '../../github/books/bookCommands.js';
import { createBookCommands } from '../../github/books/bookCommands.js';
import { parseBookCatalogueText } from '../../github/books/catalogue.js';
import { sortedBooks } from '../../domain/books/state.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { parseOptions } from '../parseOptions.js';
import type { CliCommand, CliCommandGroup, CliRuntime } from '../types.js';

const openBooks = async (runtime: CliRuntime): Promise<BookCommands> =>
  createBookCommands({ eventStore: await runtime.eventStore(), now: runtime.now });

const accepted = (outcome: Outcome<BooksChange>): BooksChange => {
  if (outcome.kind !== 'accepted') throw new CommandFailedError(outcome.message);
  return outcome.reply;
};

/** A whole number as typed (the registry's rules then ask for a positive one). */
const positionsOf = (raw: string | undefined): number => {
  if (raw === undefined) throw new UsageError('missing --positions');
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--positions must be a whole number (got ${JSON.stringify(raw)})`);
  return Number(raw.trim());
};

const add: CliCommand = {
  name: 'add',
  usage: '<name> --positions N --sri S [--replace]',
  summary: 'Register an opening book, so that workers get its sri (book_sri) with their tasks',
  details: [
    'Options:',
    '  --positions N  number of positions in the book (upstream books.json: "total")',
    "  --sri S        base64 SHA-384 of the book's text, as the worker computes it (64 characters;",
    '                 a "sha384-" prefix is accepted and dropped)',
    '  --replace      change the entry of a book that is already registered',
    '',
    'Names end in .epd or .pgn and use letters, digits and . _ + , - only.',
    'A worker refuses a book whose text does not hash to the sri the server sends.',
  ],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(
      argv,
      { positions: { type: 'string' }, sri: { type: 'string' }, replace: { type: 'boolean' } },
      { names: ['name'] },
    );
    const positions = positionsOf(values.positions);
    if (values.sri === undefined) throw new UsageError('missing --sri');
    const name = positionals[0] ?? '';
    const books = await openBooks(runtime);
    const replacing = values.replace === true && (await books.current()).books.has(name);
    const change = accepted(await books.register({ name, positions, sri: values.sri }, { replace: values.replace === true }, runtime.eventContext()));
    const book = change.state.books.get(name);
    runtime.io.out(`${replacing ? 'Updated' : 'Registered'} book ${name} (${book?.positions ?? positions} positions, sri ${book?.sri ?? values.sri})`);
  },
};

const remove: CliCommand = {
  name: 'remove',
  usage: '<name>',
  summary: 'Remove a book from the registry (runs using it no longer send its sri)',
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['name'] });
    const name = positionals[0] ?? '';
    accepted(await (await openBooks(runtime)).remove(name, runtime.eventContext()));
    runtime.io.out(`Removed book ${name}`);
  },
};

const importCatalogue: CliCommand = {
  name: 'import',
  usage: '<books.json> [--prune]',
  summary: 'Register every book of a catalogue file (upstream books.json format)',
  details: [
    'The file is an object keyed by book name, each entry with "total" (or "positions") and "sri",',
    "as official-stockfish/books' books.json. New and changed books are registered in one append;",
    'books the registry has and the file lacks stay, unless --prune removes them.',
  ],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(argv, { prune: { type: 'boolean' } }, { names: ['books.json'] });
    const file = positionals[0] ?? '';
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CommandFailedError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = parseBookCatalogueText(text);
    if (!parsed.ok) throw new CommandFailedError(`${file}: ${parsed.message}`);
    const books = await openBooks(runtime);
    const before = await books.current();
    const change = accepted(await books.importCatalogue(parsed.books, { prune: values.prune === true }, runtime.eventContext()));
    let added = 0;
    let updated = 0;
    let removed = 0;
    for (const event of change.events) {
      if (event.type === 'BookRemoved') removed += 1;
      else if (before.books.has(event.data.name)) updated += 1;
      else added += 1;
    }
    const unchanged = parsed.books.length - added - updated;
    runtime.io.out(`Imported ${file}: ${added} registered, ${updated} updated, ${removed} removed, ${unchanged} unchanged`);
  },
};

const list: CliCommand = {
  name: 'list',
  usage: '[--json]',
  summary: 'List the registered books',
  details: ['--json prints the registry as a books.json-like object: {name: {positions, sri, registeredAt}}.'],
  async run(argv, runtime) {
    const { values } = parseOptions(argv, { json: { type: 'boolean' } }, { names: [] });
    const books = sortedBooks(await (await openBooks(runtime)).current());
    if (values.json) {
      const catalogue = Object.fromEntries(books.map((book) => [book.name, { positions: book.positions, sri: book.sri, registeredAt: book.registeredAt }]));
      runtime.io.out(JSON.stringify(catalogue, null, 2));
      return;
    }
    if (books.length === 0) {
      runtime.io.out('No books.');
      return;
    }
    const rows = [['NAME', 'POSITIONS', 'SRI', 'REGISTERED'], ...books.map((book) => [book.name, String(book.positions), book.sri, book.registeredAt])];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) runtime.io.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  },
};

export const bookGroup: CliCommandGroup = {
  name: 'book',
  summary: 'Opening books: the registry whose sri workers check (add, remove, import, list)',
  commands: [add, remove, importCatalogue, list],
};
