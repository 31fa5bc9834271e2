import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import type { EventStore } from '../../../src/stores/events/port.js';
import type { UserCommands } from '../../../src/commands/users/userCommands.js';
import { createUserCommands } from '../../../src/commands/users/userCommands.js';
import type { UserDirectory } from '../../../src/commands/users/userDirectory.js';
import { createUserDirectory } from '../../../src/commands/users/userDirectory.js';
import { hashPassword, verifyPassword } from '../../../src/commands/users/passwordHash.js';
import { makeTempDir } from '../../support/tempDir.js';

const CHEAP = { log2N: 4, r: 1, p: 1 };
const operator = { actor: 'ops', correlationId: 'corr-1' };
const PASSWORD = 'maple-copper-58';

describe('user commands', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;
  let directory: UserDirectory;
  let commands: UserCommands;
  let hashes: number;

  beforeEach(async () => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite'), pollIntervalMs: 20 });
    directory = createUserDirectory({ eventStore });
    await directory.ready();
    hashes = 0;
    commands = createUserCommands({
      eventStore,
      directory,
      now: () => Date.parse('2026-05-01T08:00:00Z'),
      hashPassword: (password) => {
        hashes += 1;
        return hashPassword(password, CHEAP);
      },
    });
  });
  afterEach(async () => {
    await directory.close();
    await eventStore.close();
    temp.remove();
  });

  it('registers into user-<lower-cased name> with the actor in the metadata and only a hash of the password', async () => {
    const outcome = await commands.register({ username: 'MrSobol', email: 'sobol@example.org', password: PASSWORD }, operator);
    expect(outcome).toMatchObject({ kind: 'accepted', reply: { username: 'MrSobol', pending: true } });
    const events = await eventStore.readStream('user-mrsobol');
    expect(events.map((event) => event.type)).toEqual(['UserRegistered']);
    expect(events[0]?.metadata).toMatchObject({ actor: 'ops', correlationId: 'corr-1' });
    expect(JSON.stringify(events.map((event) => [event.data, event.metadata]))).not.toContain(PASSWORD);
    const data = events[0]?.data as { passwordHash: string; at: string };
    expect(await verifyPassword(data.passwordHash, PASSWORD)).toBe(true);
    expect(data.at).toBe('2026-05-01T08:00:00.000Z');
  });

  it('registers, accepts and grants in one append, or not at all', async () => {
    const refused = await commands.register(
      { username: 'tester', email: 't@example.org', password: PASSWORD, accepted: true, groups: ['group:approvers', 'bad group'] },
      operator,
    );
    expect(refused).toMatchObject({ kind: 'rejection', code: 'invalid_group' });
    await expect(eventStore.readStream('user-tester')).rejects.toThrow(/not found/);

    const outcome = await commands.register(
      { username: 'tester', email: 't@example.org', password: PASSWORD, accepted: true, groups: ['group:approvers'] },
      operator,
    );
    expect(outcome).toMatchObject({ kind: 'accepted', reply: { pending: false, groups: ['group:approvers'] } });
    const events = await eventStore.readStream('user-tester');
    expect(events.map((event) => event.type)).toEqual(['UserRegistered', 'UserAccepted', 'GroupGranted']);
    expect(events[1]?.data).toMatchObject({ by: 'ops' });
  });

  it('refuses a second account whose name differs only in case', async () => {
    await commands.register({ username: 'Jane', email: 'jane@example.org', password: PASSWORD }, operator);
    expect(await commands.register({ username: 'jANE', email: 'other@example.org', password: PASSWORD }, operator)).toMatchObject({
      kind: 'rejection',
      code: 'already_registered',
      message: 'Username or email is already registered',
    });
  });

  it('lets only one of two simultaneous registrations of one name through', async () => {
    const outcomes = await Promise.all([
      commands.register({ username: 'twin', email: 'a@example.org', password: PASSWORD }, operator),
      commands.register({ username: 'TWIN', email: 'b@example.org', password: PASSWORD }, operator),
    ]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['accepted', 'rejection']);
    expect(await eventStore.readStream('user-twin')).toHaveLength(1);
  });

  it('refuses an email already in use, compared case-insensitively', async () => {
    await commands.register({ username: 'first', email: 'Same@Example.org', password: PASSWORD }, operator);
    await directory.lookup('first');
    expect(await commands.register({ username: 'second', email: 'same@example.ORG', password: PASSWORD }, operator)).toMatchObject({
      kind: 'rejection',
      code: 'already_registered',
    });
  });

  it('does not pay for a hash when the password is refused', async () => {
    expect(await commands.register({ username: 'weak', email: 'w@example.org', password: 'short' }, operator)).toMatchObject({ code: 'weak_password' });
    expect(await commands.changePassword('weak', 'x'.repeat(80), operator)).toMatchObject({ code: 'password_too_long' });
    expect(hashes).toBe(0);
  });

  it('runs the account commands and reports the rules as rejections', async () => {
    await commands.register({ username: 'sam', email: 'sam@example.org', password: PASSWORD }, operator);
    expect(await commands.accept('sam', operator)).toMatchObject({ kind: 'accepted', reply: { pending: false } });
    expect(await commands.accept('sam', operator)).toMatchObject({ code: 'not_pending' });
    expect(await commands.block('Sam', operator)).toMatchObject({ kind: 'accepted', reply: { blocked: true } });
    expect(await commands.unblock('sam', operator)).toMatchObject({ kind: 'accepted', reply: { blocked: false } });
    expect(await commands.grantGroup('sam', 'group:administrators', operator)).toMatchObject({ reply: { groups: ['group:administrators'] } });
    expect(await commands.revokeGroup('sam', 'group:administrators', operator)).toMatchObject({ reply: { groups: [] } });
    const changed = await commands.changePassword('sam', 'walnut-signal-31', operator);
    expect(changed.kind).toBe('accepted');
    if (changed.kind === 'accepted') expect(await verifyPassword(changed.reply.passwordHash, 'walnut-signal-31')).toBe(true);
    expect(await commands.block('nobody', operator)).toMatchObject({ code: 'unknown_user', message: 'Unknown user: nobody' });
    expect(await commands.block('no body', operator)).toMatchObject({ code: 'invalid_username' });
  });

  it('feeds the directory, which lists accounts in registration order and finds them by any case', async () => {
    await commands.register({ username: 'zeta', email: 'z@example.org', password: PASSWORD }, operator);
    await commands.register({ username: 'Alpha', email: 'a@example.org', password: PASSWORD }, operator);
    const reader = createUserDirectory({ eventStore, follow: false });
    await reader.ready();
    expect(reader.list().map((account) => account.username)).toEqual(['zeta', 'Alpha']);
    expect(reader.get('ALPHA')?.username).toBe('Alpha');
    expect(reader.findByEmail('Z@EXAMPLE.ORG')?.username).toBe('zeta');
    await reader.close();
  });
});
