import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/runAdmin.js';
import { CommandFailedError } from '../../src/cli/errors.js';
import type { CliCommandGroup, CliIo } from '../../src/cli/types.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { makeTempDir } from '../support/tempDir.js';

const PASSWORD = 'harbor-thistle-24';

interface Captured {
  io: CliIo;
  out: string[];
  err: string[];
}

const capture = (stdin = ''): Captured => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => stdin }, out, err };
};

describe('runAdmin (in process)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;

  const admin = async (argv: string[], stdin?: string) => {
    const captured = capture(stdin);
    const code = await runAdmin(argv, { io: captured.io, env });
    return { code, out: captured.out, err: captured.err };
  };

  beforeEach(() => {
    temp = makeTempDir();
    env = { DATA_DIR: temp.dir };
  });
  afterEach(() => temp.remove());

  it('runs the whole account life cycle', async () => {
    expect(await admin(['user', 'create', 'nina', '--email', 'nina@example.org', '--password', PASSWORD])).toEqual({
      code: 0,
      out: ['Created user nina (pending)'],
      err: [],
    });
    expect((await admin(['user', 'accept', 'nina'])).out).toEqual(['Accepted user nina (active)']);
    expect((await admin(['user', 'grant', 'nina', 'group:approvers'])).out).toEqual(['Added nina to group:approvers']);
    expect((await admin(['user', 'grant', 'nina', 'administrators'])).out).toEqual(['Added nina to group:administrators']);
    expect((await admin(['user', 'revoke', 'nina', 'approvers'])).out).toEqual(['Removed nina from group:approvers']);
    expect((await admin(['user', 'block', 'NINA'])).out).toEqual(['Blocked user nina (blocked; group:administrators)']);
    expect((await admin(['user', 'unblock', 'nina'])).out).toEqual(['Unblocked user nina (active; group:administrators)']);
    expect((await admin(['user', 'password', 'nina', '--password-stdin'], 'pebble-lagoon-85\r\n'))).toMatchObject({
      code: 0,
      out: ['Changed the password of nina'],
    });
    expect((await admin(['user', 'machine-limit', 'nina', '50'])).out).toEqual(['Set the machine limit of nina to 50']);
    expect(await admin(['user', 'machine-limit', 'nina', '50'])).toMatchObject({ code: 1, err: ['error: User nina already has a machine limit of 50'] });
    expect(await admin(['user', 'machine-limit', 'nina', 'many'])).toMatchObject({ code: 2 });
    const listed = await admin(['user', 'list', '--json']);
    expect(listed.code).toBe(0);
    const accounts = JSON.parse(listed.out.join('\n')) as Array<Record<string, unknown>>;
    expect(accounts).toEqual([
      {
        username: 'nina',
        email: 'nina@example.org',
        registeredAt: expect.any(String),
        pending: false,
        blocked: false,
        groups: ['group:administrators'],
        machineLimit: 50,
      },
    ]);
  });

  it('records the --as actor and one correlation id per invocation', async () => {
    await admin(['--as', 'maintainer', 'user', 'create', 'otto', '--email', 'o@example.org', '--password', PASSWORD, '--approved']);
    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const events = await store.readStream('user-otto');
    await store.close();
    expect(events.map((event) => event.metadata.actor)).toEqual(['maintainer', 'maintainer']);
    expect(new Set(events.map((event) => event.metadata.correlationId)).size).toBe(1);
    expect(events[1]?.data).toMatchObject({ by: 'maintainer' });
  });

  it.each([
    [['user', 'accept', 'ghost'], 'error: Unknown user: ghost'],
    [['user', 'unblock', 'ghost'], 'error: Unknown user: ghost'],
    [['user', 'grant', 'ghost', 'approvers'], 'error: Unknown user: ghost'],
    [['user', 'create', 'x', '--email', 'x@example.org', '--password', PASSWORD], 'error: Invalid username'],
    [['user', 'create', 'xavier', '--email', 'nope', '--password', PASSWORD], 'error: Invalid email: "nope"'],
  ])('exits with 1 when %j is refused', async (argv, message) => {
    expect(await admin(argv)).toEqual({ code: 1, out: [], err: [message] });
  });

  it.each([
    [[], 'error: missing <group>', 'npm run admin -- --help'],
    [['--bogus'], 'error: unknown option --bogus', 'npm run admin -- --help'],
    [['--as'], 'error: --as needs an actor name', 'npm run admin -- --help'],
    [['machines'], 'error: unknown group "machines"', 'npm run admin -- --help'],
    [['worker'], 'error: missing <command>', 'npm run admin -- worker --help'],
    [['user'], 'error: missing <command>', 'npm run admin -- user --help'],
    [['user', 'frob'], 'error: unknown command "user frob"', 'npm run admin -- user --help'],
    [['user', 'accept'], 'error: missing <name>', 'npm run admin -- user accept --help'],
    [['user', 'accept', 'a', 'b'], 'error: unexpected argument "b"', 'npm run admin -- user accept --help'],
    [['user', 'grant', 'nina'], 'error: missing <group>', 'npm run admin -- user grant --help'],
    [['user', 'password', 'nina'], 'error: missing --password (or --password-stdin)', 'npm run admin -- user password --help'],
    [['user', 'password', 'nina', '--password', 'p', '--password-stdin'], 'error: give --password or --password-stdin, not both', 'npm run admin -- user password --help'],
  ])('exits with 2 on %j', async (argv, message, help) => {
    expect(await admin(argv)).toEqual({ code: 2, out: [], err: [message, `See "${help}".`] });
  });

  it('prints help on stdout at every level', async () => {
    const general = await admin(['--help']);
    expect(general.code).toBe(0);
    expect(general.out.join('\n')).toMatch(/Groups:\n {2}user +Accounts/);
    const group = await admin(['user', '-h']);
    expect(group.out.join('\n')).toMatch(/Commands:\n {2}create <name>/);
    const command = await admin(['user', 'grant', 'x', '--help']);
    expect(command.out[0]).toBe('Usage: npm run admin -- user grant <name> <group>');
  });

  it('does not open the stores for help or usage errors', async () => {
    await admin(['user', 'create', '--help']);
    await admin(['user', 'create']);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(temp.dir, 'events.sqlite'))).toBe(false);
  });

  it('takes command groups from a table, so other groups plug in beside "user"', async () => {
    const seen: string[] = [];
    const extra: CliCommandGroup = {
      name: 'book',
      summary: 'Opening books',
      commands: [
        {
          name: 'add',
          usage: '<file>',
          summary: 'Add a book',
          async run(argv, runtime) {
            seen.push(...argv, runtime.eventContext().actor);
            if (argv[0] === 'bad.epd') throw new CommandFailedError('not a book');
            runtime.io.out('added');
          },
        },
      ],
    };
    const captured = capture();
    expect(await runAdmin(['--as=ops', 'book', 'add', 'x.epd'], { io: captured.io, env, groups: [extra] })).toBe(0);
    expect(captured.out).toEqual(['added']);
    expect(seen).toEqual(['x.epd', 'ops']);
    const failing = capture();
    expect(await runAdmin(['book', 'add', 'bad.epd'], { io: failing.io, env, groups: [extra] })).toBe(1);
    expect(failing.err).toEqual(['error: not a book']);
  });
});
