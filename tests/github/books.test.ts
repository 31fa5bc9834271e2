import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import type { EventStore } from '../../src/stores/events/port.js';
import { BOOKS_STREAM } from '../../src/domain/books/events.js';
import { createBookCommands } from '../../src/github/books/bookCommands.js';
import { createBooksRegistry } from '../../src/github/books/booksRegistry.js';
import { createBooksService } from '../../src/github/books/booksService.js';
import { parseBookCatalogue, parseBookCatalogueText } from '../../src/github/books/catalogue.js';
import { createHttpGitHub } from '../../src/github/http/index.js';
import { createOfflineGitHub } from '../../src/github/offline/index.js';
import { makeTempDir } from '../support/tempDir.js';
import { startFakeGitHub } from './fakeGitHub.js';

const SRI_A = 'QHAU1P3LurcJr7UTRI7HZCVFsoYBWC3OTsBqZY/FfQA6VQo3MmECWtByB4gVACW5';
const SRI_B = 'B0D/PN334ez5R9K8mGspR5ZjfXb0sWoEObBnkCI7sczqZbaOHQ5aooqk97zeHM0a';
const context = { actor: 'ops', correlationId: 'test' };

const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('book catalogues', () => {
  it("read upstream's books.json (total) and this project's form (positions)", () => {
    expect(
      parseBookCatalogue({
        'UHO_Lichess_4852_v1.epd': { total: 2632036, white: 1457270, black: 1174766, min_depth: 2, max_depth: 16, sri: SRI_A },
        'mine.pgn': { positions: 10, sri: SRI_B },
      }),
    ).toEqual({
      ok: true,
      books: [
        { name: 'UHO_Lichess_4852_v1.epd', positions: 2632036, sri: SRI_A },
        { name: 'mine.pgn', positions: 10, sri: SRI_B },
      ],
    });
    expect(parseBookCatalogue([])).toMatchObject({ ok: false });
    expect(parseBookCatalogue({ 'a.epd': { sri: SRI_A } })).toEqual({ ok: false, message: 'entry "a.epd" needs a number "total" (or "positions")' });
    expect(parseBookCatalogueText('{')).toMatchObject({ ok: false, message: expect.stringMatching(/^not JSON: /) });
  });
});

describe('the book registry on an event store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;

  beforeEach(() => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite'), pollIntervalMs: 10 });
  });
  afterEach(async () => {
    await eventStore.close();
    temp.remove();
  });

  it('records changes in the books stream and follows them in memory, including another writer\'s', async () => {
    const commands = createBookCommands({ eventStore, now: () => Date.UTC(2026, 0, 1) });
    expect(await commands.register({ name: 'a.epd', positions: 100, sri: SRI_A }, {}, context)).toMatchObject({ kind: 'accepted' });
    const registry = createBooksRegistry({ eventStore });
    await registry.ready();
    expect(registry.sriOf('a.epd')).toBe(SRI_A);
    expect(registry.sriOf('b.epd')).toBeUndefined();

    const otherProcess = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    try {
      const other = createBookCommands({ eventStore: otherProcess });
      await other.register({ name: 'b.epd', positions: 5, sri: `sha384-${SRI_B}` }, {}, context);
      await other.remove('a.epd', context);
    } finally {
      await otherProcess.close();
    }
    await until(() => registry.get('a.epd') === undefined && registry.sriOf('b.epd') === SRI_B);
    expect(registry.list().map((book) => book.name)).toEqual(['b.epd']);
    await registry.close();

    const events = await eventStore.readStream(BOOKS_STREAM);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['BookRegistered', { name: 'a.epd', positions: 100, sri: SRI_A, at: '2026-01-01T00:00:00.000Z' }],
      ['BookRegistered', { name: 'b.epd', positions: 5, sri: SRI_B, at: expect.any(String) }],
      ['BookRemoved', { name: 'a.epd', at: expect.any(String) }],
    ]);
    expect(events[0]?.metadata.actor).toBe('ops');
  });

  it('refuses what the rules refuse, appending nothing', async () => {
    const commands = createBookCommands({ eventStore });
    expect(await commands.remove('a.epd', context)).toMatchObject({ kind: 'rejection', message: 'Book a.epd is not registered' });
    expect(await commands.register({ name: 'a.txt', positions: 1, sri: SRI_A }, {}, context)).toMatchObject({ kind: 'rejection', code: 'invalid_book' });
    expect(await eventStore.headPosition()).toBe(0n);
  });

  it('seeds from BOOKS_FILE once, even with two processes starting together', async () => {
    const file = path.join(temp.dir, 'books.json');
    writeFileSync(file, JSON.stringify({ 'a.epd': { total: 1, white: 1, black: 0, min_depth: 0, max_depth: 0, sri: SRI_A }, 'b.pgn': { positions: 2, sri: SRI_B } }));
    const second = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const services = [eventStore, second].map((store) => createBooksService({ eventStore: store, github: createOfflineGitHub(), seedFile: file }));
    try {
      await Promise.all(services.map((service) => service.start()));
      expect(services.map((service) => service.registry.list().map((book) => book.name))).toEqual([
        ['a.epd', 'b.pgn'],
        ['a.epd', 'b.pgn'],
      ]);
      expect(await eventStore.readStream(BOOKS_STREAM)).toHaveLength(2);
    } finally {
      await Promise.all(services.map((service) => service.stop()));
      await second.close();
    }
    // An operator's change is not undone by the seed at the next start.
    await createBookCommands({ eventStore }).remove('a.epd', context);
    const restarted = createBooksService({ eventStore, github: createOfflineGitHub(), seedFile: file });
    await restarted.start();
    expect(restarted.registry.list().map((book) => book.name)).toEqual(['b.pgn']);
    await restarted.stop();
  });

  it("refuses to start on a bad seed file, naming it", async () => {
    const file = path.join(temp.dir, 'books.json');
    writeFileSync(file, JSON.stringify({ 'a.epd': { total: 1, sri: 'short' } }));
    const service = createBooksService({ eventStore, github: createOfflineGitHub(), seedFile: file });
    await expect(service.start()).rejects.toThrow(/^BOOKS_FILE .*books\.json: Invalid sri for book a\.epd/);
    await service.stop();
  });

  it("syncs GitHub's books.json in http mode: new and changed books, never removals, nothing when unchanged", async () => {
    const fake = await startFakeGitHub();
    try {
      const github = createHttpGitHub({ apiUrl: fake.apiUrl, rawUrl: fake.rawUrl, freshForMs: 0 });
      await createBookCommands({ eventStore }).register({ name: 'local.epd', positions: 3, sri: SRI_A }, {}, context);
      fake.booksJson = JSON.stringify({ 'a.epd': { total: 10, white: 10, black: 0, min_depth: 1, max_depth: 1, sri: SRI_A } });
      const service = createBooksService({ eventStore, github, syncInitialDelayMs: 5, syncIntervalMs: 60_000 });
      await service.start();
      await until(() => service.registry.sriOf('a.epd') === SRI_A);
      expect(service.registry.list().map((book) => book.name)).toEqual(['a.epd', 'local.epd']);
      expect(await service.syncNow()).toBe(0);
      fake.booksJson = JSON.stringify({ 'a.epd': { total: 10, white: 10, black: 0, min_depth: 1, max_depth: 1, sri: SRI_B } });
      expect(await service.syncNow()).toBe(1);
      await until(() => service.registry.sriOf('a.epd') === SRI_B);
      expect(service.registry.get('local.epd')).toBeDefined();
      await service.stop();
      expect((await eventStore.readStream(BOOKS_STREAM)).map((event) => event.metadata.actor)).toEqual(['ops', 'system', 'system']);
    } finally {
      await fake.close();
    }
  });
});
