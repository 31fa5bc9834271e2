import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/runAdmin.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { makeTempDir } from '../support/tempDir.js';

const SRI_A = 'QHAU1P3LurcJr7UTRI7HZCVFsoYBWC3OTsBqZY/FfQA6VQo3MmECWtByB4gVACW5';
const SRI_B = 'B0D/PN334ez5R9K8mGspR5ZjfXb0sWoEObBnkCI7sczqZbaOHQ5aooqk97zeHM0a';

describe('npm run admin -- book (in process)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const admin = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, {
      io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' },
      env: { DATA_DIR: temp.dir },
      now: () => Date.UTC(2026, 1, 3, 4, 5, 6),
    });
    return { code, out, err };
  };

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it('adds, replaces, lists and removes books', async () => {
    expect(await admin(['--as', 'ops', 'book', 'add', 'UHO_Lichess_4852_v1.epd', '--positions', '2632036', '--sri', `sha384-${SRI_A}`])).toEqual({
      code: 0,
      out: [`Registered book UHO_Lichess_4852_v1.epd (2632036 positions, sri ${SRI_A})`],
      err: [],
    });
    expect(await admin(['book', 'add', 'UHO_Lichess_4852_v1.epd', '--positions', '2632000', '--sri', SRI_A])).toEqual({
      code: 1,
      out: [],
      err: ['error: Book UHO_Lichess_4852_v1.epd is already registered'],
    });
    expect((await admin(['book', 'add', 'UHO_Lichess_4852_v1.epd', '--positions', '2632000', '--sri', SRI_A, '--replace'])).out).toEqual([
      `Updated book UHO_Lichess_4852_v1.epd (2632000 positions, sri ${SRI_A})`,
    ]);
    expect((await admin(['book', 'add', 'pohl.pgn', '--positions', '9', '--sri', SRI_B])).code).toBe(0);
    const table = await admin(['book', 'list']);
    expect(table.out).toEqual([
      expect.stringMatching(/^NAME +POSITIONS +SRI +REGISTERED$/),
      expect.stringMatching(new RegExp(`^UHO_Lichess_4852_v1\\.epd +2632000 +${SRI_A.replace(/[+/]/g, '\\$&')} +2026-02-03T04:05:06\\.000Z$`)),
      expect.stringMatching(/^pohl\.pgn +9 /),
    ]);
    expect(JSON.parse((await admin(['book', 'list', '--json'])).out.join('\n'))).toEqual({
      'UHO_Lichess_4852_v1.epd': { positions: 2632000, sri: SRI_A, registeredAt: '2026-02-03T04:05:06.000Z' },
      'pohl.pgn': { positions: 9, sri: SRI_B, registeredAt: '2026-02-03T04:05:06.000Z' },
    });
    expect(await admin(['book', 'remove', 'pohl.pgn'])).toMatchObject({ code: 0, out: ['Removed book pohl.pgn'] });
    expect(await admin(['book', 'remove', 'pohl.pgn'])).toMatchObject({ code: 1, err: ['error: Book pohl.pgn is not registered'] });

    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const events = await store.readStream('books');
    await store.close();
    expect(events.map((event) => [event.type, event.metadata.actor])).toEqual([
      ['BookRegistered', 'ops'],
      ['BookRegistered', 'system'],
      ['BookRegistered', 'system'],
      ['BookRemoved', 'system'],
    ]);
  });

  it("imports upstream's books.json, reporting what changed; --prune removes books the file lacks", async () => {
    await admin(['book', 'add', 'local.epd', '--positions', '3', '--sri', SRI_B]);
    const file = path.join(temp.dir, 'books.json');
    const entry = (total: number, sri: string) => ({ total, white: total, black: 0, min_depth: 2, max_depth: 2, sri });
    writeFileSync(file, JSON.stringify({ 'a.epd': entry(10, SRI_A), 'b.pgn': entry(20, SRI_B) }));
    expect(await admin(['book', 'import', file])).toMatchObject({ code: 0, out: [`Imported ${file}: 2 registered, 0 updated, 0 removed, 0 unchanged`] });
    expect((await admin(['book', 'import', file])).out).toEqual([`Imported ${file}: 0 registered, 0 updated, 0 removed, 2 unchanged`]);
    writeFileSync(file, JSON.stringify({ 'a.epd': entry(11, SRI_A), 'b.pgn': entry(20, SRI_B) }));
    expect((await admin(['book', 'import', file, '--prune'])).out).toEqual([`Imported ${file}: 0 registered, 1 updated, 1 removed, 1 unchanged`]);
    expect(Object.keys(JSON.parse((await admin(['book', 'list', '--json'])).out.join('\n')))).toEqual(['a.epd', 'b.pgn']);
  });

  it('explains bad input with exit codes 1 and 2', async () => {
    expect(await admin(['book', 'add', 'a.epd', '--sri', SRI_A])).toEqual({
      code: 2,
      out: [],
      err: ['error: missing --positions', 'See "npm run admin -- book add --help".'],
    });
    expect((await admin(['book', 'add', 'a.epd', '--positions', 'ten', '--sri', SRI_A])).err[0]).toBe('error: --positions must be a whole number (got "ten")');
    expect((await admin(['book', 'add', 'a.txt', '--positions', '1', '--sri', SRI_A])).err[0]).toMatch(/^error: Invalid book name "a.txt"/);
    expect((await admin(['book', 'add', 'a.epd', '--positions', '1', '--sri', 'abc'])).err[0]).toMatch(/^error: Invalid sri for book a.epd/);
    const file = path.join(temp.dir, 'bad.json');
    writeFileSync(file, '[1]');
    expect(await admin(['book', 'import', file])).toMatchObject({ code: 1, err: [`error: ${file}: a book catalogue must be a JSON object keyed by book name`] });
    expect((await admin(['book', 'import', path.join(temp.dir, 'none.json')])).err[0]).toMatch(/^error: cannot read .*none\.json: ENOENT/);
    expect(await admin(['book', 'list'])).toMatchObject({ code: 0, out: ['No books.'] });
    const help = await admin(['book', '--help']);
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toMatch(/add <name> --positions N --sri S \[--replace\]/);
  });
});
