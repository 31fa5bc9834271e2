import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import type { EventStore } from '../../src/stores/events/port.js';
import type { Authenticator } from '../../src/commands/users/authenticator.js';
import { createAuthenticator } from '../../src/commands/users/authenticator.js';
import { makeTempDir } from '../support/tempDir.js';
import { runCli } from './runCli.js';

const PASSWORD = 'juniper-vault-63';

/** The real CLI in its own process, against an embedded event store that this process also has open (as a server would). */
describe('npm run admin (spawned)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  let eventStore: EventStore;
  let authenticator: Authenticator;

  beforeAll(async () => {
    temp = makeTempDir();
    env = { DATA_DIR: temp.dir };
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite'), pollIntervalMs: 20 });
    authenticator = createAuthenticator({ eventStore });
    await authenticator.ready();
  });
  afterAll(async () => {
    await authenticator.close();
    await eventStore.close();
    temp.remove();
  });

  it('creates an approved account that a running authenticator accepts, without printing the password', async () => {
    const created = await runCli(
      ['--as', 'ops', 'user', 'create', 'Worker1', '--email', 'w1@example.org', '--password', PASSWORD, '--approved', '--group', 'approvers'],
      { env },
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toBe('Created user Worker1 (active; group:approvers)\n');
    expect(await authenticator.authenticate('Worker1', PASSWORD)).toEqual({
      ok: true,
      user: { username: 'Worker1', groups: ['group:approvers'] },
    });
    const [registered] = await eventStore.readStream('user-worker1');
    expect(registered?.metadata.actor).toBe('ops');
  });

  it('blocks from another process; the running authenticator notices through its subscription', async () => {
    expect((await authenticator.authenticate('Worker1', PASSWORD)).ok).toBe(true);
    const blocked = await runCli(['user', 'block', 'Worker1'], { env });
    expect(blocked).toMatchObject({ code: 0, stdout: 'Blocked user Worker1 (blocked; group:approvers)\n' });
    const deadline = Date.now() + 5_000;
    let result = await authenticator.authenticate('Worker1', PASSWORD);
    while (result.ok && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      result = await authenticator.authenticate('Worker1', PASSWORD);
    }
    expect(result).toEqual({ ok: false, code: 'blocked', message: 'Your account is blocked.' });
  });

  it('reads a password from standard input and lists accounts without secrets', async () => {
    const created = await runCli(['user', 'create', 'quiet', '--email', 'q@example.org', '--password-stdin'], { env, input: `${PASSWORD}\n` });
    expect(created).toMatchObject({ code: 0, stdout: 'Created user quiet (pending)\n' });
    const listed = await runCli(['user', 'list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^USERNAME +STATUS +GROUPS +EMAIL +REGISTERED\n/);
    expect(listed.stdout).toMatch(/\nWorker1 +blocked +group:approvers +w1@example\.org +\d{4}-/);
    expect(listed.stdout).toMatch(/\nquiet +pending +- +q@example\.org/);
    expect(listed.stdout).not.toContain('scrypt');
    expect(listed.stdout).not.toContain(PASSWORD);
  });

  it('exits with 1 and a message on stderr when a rule refuses the command', async () => {
    const duplicate = await runCli(['user', 'create', 'WORKER1', '--email', 'other@example.org', '--password', PASSWORD], { env });
    expect(duplicate).toMatchObject({ code: 1, stdout: '', stderr: 'error: Username or email is already registered\n' });
    const weak = await runCli(['user', 'password', 'quiet', '--password', 'abc'], { env });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^error: Weak password: /);
    expect(weak.stderr).not.toContain('abc');
  });

  it('exits with 2 on bad usage and 0 with --help', async () => {
    const [usage, help, config] = await Promise.all([
      runCli(['user', 'create', 'someone', '--password', PASSWORD], { env }),
      runCli(['user', 'create', '--help'], { env }),
      runCli(['user', 'list'], { env: { ...env, EVENT_STORE_URL: 'ftp://nowhere' } }),
    ]);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toBe('error: missing --email\nSee "npm run admin -- user create --help".\n');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run admin -- user create <name> --email E/);
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/^error: Invalid setting EVENT_STORE_URL/);
  });
});
