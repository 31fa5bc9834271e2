import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import type { EventStore } from '../../../src/stores/events/port.js';
import type { Authenticator } from '../../../src/commands/users/authenticator.js';
import { AUTH_MESSAGES, createAuthenticator } from '../../../src/commands/users/authenticator.js';
import type { UserCommands } from '../../../src/commands/users/userCommands.js';
import { createUserCommands } from '../../../src/commands/users/userCommands.js';
import type { UserDirectory } from '../../../src/commands/users/userDirectory.js';
import { createUserDirectory } from '../../../src/commands/users/userDirectory.js';
import { hashPassword, verifyPassword } from '../../../src/commands/users/passwordHash.js';
import { makeTempDir } from '../../support/tempDir.js';

const CHEAP = { log2N: 4, r: 1, p: 1 };
const operator = { actor: 'admin', correlationId: 'test' };
const PASSWORD = 'correct horse battery';

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('authenticator', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;
  let directory: UserDirectory;
  let commands: UserCommands;
  let authenticator: Authenticator;
  let scryptCalls: number;
  let clock: number;

  const open = (): Authenticator =>
    createAuthenticator({
      eventStore,
      now: () => clock,
      verifyPassword: (stored, password) => {
        scryptCalls += 1;
        return verifyPassword(stored, password);
      },
    });

  beforeEach(async () => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite'), pollIntervalMs: 20 });
    directory = createUserDirectory({ eventStore, follow: false });
    commands = createUserCommands({ eventStore, directory, hashPassword: (password) => hashPassword(password, CHEAP) });
    scryptCalls = 0;
    clock = 1_000_000;
    await commands.register({ username: 'Alice', email: 'alice@example.org', password: PASSWORD, accepted: true, groups: ['group:approvers'] }, operator);
    await commands.register({ username: 'bob', email: 'bob@example.org', password: PASSWORD }, operator);
    authenticator = open();
    await authenticator.ready();
  });
  afterEach(async () => {
    await authenticator.close();
    await directory.close();
    await eventStore.close();
    temp.remove();
  });

  it('accepts the right password and answers with the groups', async () => {
    expect(await authenticator.authenticate('Alice', PASSWORD)).toEqual({
      ok: true,
      user: { username: 'Alice', groups: ['group:approvers'] },
    });
  });

  it('gives one message for a wrong password, an unknown user, a malformed name and another spelling', async () => {
    const invalid = { ok: false, code: 'invalid_credentials', message: 'Invalid username or password.' };
    expect(await authenticator.authenticate('Alice', 'wrong password')).toEqual(invalid);
    expect(await authenticator.authenticate('nobody', PASSWORD)).toEqual(invalid);
    expect(await authenticator.authenticate('a', PASSWORD)).toEqual(invalid);
    expect(await authenticator.authenticate('alice', PASSWORD)).toEqual(invalid);
  });

  it('tells a pending account so, but only with the right password', async () => {
    expect(await authenticator.authenticate('bob', PASSWORD)).toEqual({ ok: false, code: 'pending', message: AUTH_MESSAGES.pending });
    expect((await authenticator.authenticate('bob', 'not the password')).ok).toBe(false);
    expect(AUTH_MESSAGES.pending).toBe('Your account is pending approval.');
  });

  it('serves a repeated success from the cache without scrypt, until the entry expires', async () => {
    await authenticator.authenticate('Alice', PASSWORD);
    await authenticator.authenticate('Alice', PASSWORD);
    await authenticator.authenticate('Alice', PASSWORD);
    expect(scryptCalls).toBe(1);
    clock += 120_001;
    await authenticator.authenticate('Alice', PASSWORD);
    expect(scryptCalls).toBe(2);
  });

  it('never lets a cached success vouch for a different password', async () => {
    await authenticator.authenticate('Alice', PASSWORD);
    expect((await authenticator.authenticate('Alice', `${PASSWORD}!`)).ok).toBe(false);
    expect(scryptCalls).toBe(2);
  });

  it('shares one scrypt run among simultaneous checks of the same password', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => authenticator.authenticate('Alice', PASSWORD)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(scryptCalls).toBe(1);
  });

  it('stops accepting the old password as soon as the change reaches it, and accepts the new one', async () => {
    await authenticator.authenticate('Alice', PASSWORD);
    await commands.changePassword('Alice', 'an entirely new secret', operator);
    await waitFor(async () => !(await authenticator.authenticate('Alice', PASSWORD)).ok);
    expect(await authenticator.authenticate('Alice', PASSWORD)).toMatchObject({ ok: false, code: 'invalid_credentials' });
    expect(await authenticator.authenticate('Alice', 'an entirely new secret')).toMatchObject({ ok: true });
  });

  it('reports a block at once, even for a cached password, and lets the user back after unblocking', async () => {
    await authenticator.authenticate('Alice', PASSWORD);
    await commands.block('Alice', operator);
    await waitFor(async () => (await authenticator.authenticate('Alice', PASSWORD)).ok === false);
    expect(await authenticator.authenticate('Alice', PASSWORD)).toEqual({ ok: false, code: 'blocked', message: 'Your account is blocked.' });
    await commands.unblock('Alice', operator);
    await waitFor(async () => (await authenticator.authenticate('Alice', PASSWORD)).ok);
  });

  it('sees an account written by another writer (a second store handle, as the CLI is)', async () => {
    const other = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const otherDirectory = createUserDirectory({ eventStore: other, follow: false });
    const otherCommands = createUserCommands({ eventStore: other, directory: otherDirectory, hashPassword: (p) => hashPassword(p, CHEAP) });
    await otherCommands.register({ username: 'carol', email: 'carol@example.org', password: PASSWORD, accepted: true }, operator);
    await otherDirectory.close();
    await other.close();
    expect(await authenticator.authenticate('carol', PASSWORD)).toMatchObject({ ok: true, user: { username: 'carol', groups: [] } });
  });

  it('follows group grants for the groups it answers with', async () => {
    await commands.grantGroup('Alice', 'group:administrators', operator);
    await waitFor(async () => {
      const result = await authenticator.authenticate('Alice', PASSWORD);
      return result.ok && result.user.groups.includes('group:administrators');
    });
  });
});
