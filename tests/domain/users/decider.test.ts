import { describe, expect, it } from 'vitest';
import { userDecider } from '../../../src/domain/users/decider.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { checkPasswordStrength, emailKey, normalizeEmail } from '../../../src/domain/users/rules.js';
import { evolveUser, initialUserState } from '../../../src/domain/users/state.js';
import { userStreamId } from '../../../src/domain/users/streams.js';
import { fold } from '../../../src/domain/shared/decider.js';
import { deciderSpecification } from '../decider-spec.js';

const spec = deciderSpecification(userDecider);
const now = Date.parse('2026-03-01T12:00:00Z');
const at = '2026-03-01T12:00:00.000Z';
const context = { now };

const register = (overrides: Partial<{ username: string; email: string; password: string }> = {}) => ({
  type: 'RegisterUser' as const,
  username: 'vondele',
  email: 'vondele@example.org',
  password: 'kettle-orbit-42',
  passwordHash: 'scrypt$4$1$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5',
  ...overrides,
});

const registered: UserEvent = {
  type: 'UserRegistered',
  data: { username: 'vondele', email: 'vondele@example.org', passwordHash: 'scrypt$old', at: '2026-01-01T00:00:00.000Z' },
};
const accepted: UserEvent = { type: 'UserAccepted', data: { username: 'vondele', by: 'admin', at: '2026-01-02T00:00:00.000Z' } };
const blocked: UserEvent = { type: 'UserBlocked', data: { username: 'vondele', by: 'admin', at: '2026-01-03T00:00:00.000Z' } };
const approver: UserEvent = {
  type: 'GroupGranted',
  data: { username: 'vondele', group: 'group:approvers', by: 'admin', at: '2026-01-02T00:00:00.000Z' },
};

describe('registration', () => {
  it('records the account with its hash, never the password, at the registration time', () => {
    const [event] = spec().when(register(), context).then([
      {
        type: 'UserRegistered',
        data: { username: 'vondele', email: 'vondele@example.org', passwordHash: register().passwordHash, at },
      },
    ]);
    expect(JSON.stringify(event)).not.toContain('kettle-orbit-42');
  });

  it('starts pending, not blocked, without groups', () => {
    spec().when(register(), context).then((_, after) => {
      expect(after).toMatchObject({ pending: true, blocked: false, groups: [], registeredAt: at });
    });
  });

  it.each(['a', '', 'with space', 'dash-name', 'under_score', 'émile', 'name!'])('refuses the user name %j', (username) => {
    spec().when(register({ username }), context).thenRejects('invalid_username', 'Error! Invalid username');
  });

  it.each(['ab', 'AB12', '007', 'Vondele'])('accepts the user name %j', (username) => {
    spec().when(register({ username }), context).then((events) => expect(events).toHaveLength(1));
  });

  it('refuses a name already registered, whatever its case (the stream is named in lower case)', () => {
    expect(userStreamId('VonDele')).toBe(userStreamId('vondele'));
    spec(registered).when(register({ username: 'VONDELE' }), context).thenRejects('already_registered', 'Username or email is already registered');
  });

  it('refuses an email another account uses, with the same message', () => {
    spec().when(register(), { now, emailInUse: true }).thenRejects('already_registered', 'Username or email is already registered');
  });

  it.each(['', 'plain', 'two@@example.org', 'no-domain@', 'x@nodot', 'sp ace@example.org', 'x@-bad.org'])('refuses the email %j', (email) => {
    spec().when(register({ email }), context).thenRejects('invalid_email', /^Error! Invalid email/);
  });

  it('keeps the email trimmed with its domain in lower case; uniqueness ignores case entirely', () => {
    spec().when(register({ email: '  Vondele@Example.ORG ' }), context).then((events) => {
      expect(events[0]?.data).toMatchObject({ email: 'Vondele@example.org' });
    });
    expect(normalizeEmail(' A.B@Mail.Example.COM')).toBe('A.B@mail.example.com');
    expect(emailKey('A.B@Mail.Example.COM')).toBe(emailKey('a.b@mail.example.com'));
  });

  it('refuses a password longer than 72 characters with upstream message', () => {
    spec().when(register({ password: 'x1y2z3w4'.repeat(9) + 'q' }), context).thenRejects('password_too_long', 'Error! Password too long (max 72 characters)');
  });

  it('accepts a password of exactly 72 characters', () => {
    spec().when(register({ password: 'a1b2c3d4e5f6'.repeat(6) }), context).then((events) => expect(events).toHaveLength(1));
  });

  it.each([
    ['empty', ''],
    ['short', 'k3t!le'],
    ['repetitive', 'aaaabbbbaaaa'],
    ['built on the user name', 'Vondele2026!'],
    ['built on the email user part', 'xx-vondele-xx'],
  ])('refuses a weak password (%s)', (_, password) => {
    spec().when(register({ password }), context).thenRejects('weak_password', /^Error! Weak password: /);
  });

  it('checks the email user part as well as the name', () => {
    expect(checkPasswordStrength('my-mailbox-9', { username: 'zz', email: 'mailbox@example.org' })?.code).toBe('weak_password');
    expect(checkPasswordStrength('my-mailbox-9', { username: 'zz' })).toBeNull();
  });
});

describe('acceptance and blocking', () => {
  it('accepts a pending account, naming who accepted it', () => {
    spec(registered).when({ type: 'AcceptUser', username: 'vondele', by: 'approverA' }, context).then(
      [{ type: 'UserAccepted', data: { username: 'vondele', by: 'approverA', at } }],
    );
  });

  it('refuses to accept an account twice', () => {
    spec(registered, accepted).when({ type: 'AcceptUser', username: 'vondele', by: 'a' }, context).thenRejects('not_pending', 'User vondele is not pending approval');
  });

  it('blocks and unblocks, refusing to repeat either', () => {
    spec(registered).when({ type: 'BlockUser', username: 'vondele', by: 'a' }, context).then((_, after) => expect(after?.blocked).toBe(true));
    spec(registered, blocked).when({ type: 'BlockUser', username: 'vondele', by: 'a' }, context).thenRejects('already_blocked', 'User vondele is already blocked');
    spec(registered, blocked).when({ type: 'UnblockUser', username: 'vondele', by: 'a' }, context).then((_, after) => expect(after?.blocked).toBe(false));
    spec(registered).when({ type: 'UnblockUser', username: 'vondele', by: 'a' }, context).thenRejects('not_blocked', 'User vondele is not blocked');
  });

  it('can block a pending account; it stays pending', () => {
    spec(registered).when({ type: 'BlockUser', username: 'vondele', by: 'a' }, context).then((_, after) => {
      expect(after).toMatchObject({ pending: true, blocked: true });
    });
  });

  it('names the account with its registered spelling whatever spelling the command used', () => {
    spec(registered).when({ type: 'BlockUser', username: 'VONDELE', by: 'a' }, context).then([
      { type: 'UserBlocked', data: { username: 'vondele', by: 'a', at } },
    ]);
  });

  it.each([
    { type: 'AcceptUser' as const, username: 'ghost', by: 'a' },
    { type: 'BlockUser' as const, username: 'ghost', by: 'a' },
    { type: 'UnblockUser' as const, username: 'ghost', by: 'a' },
    { type: 'ChangePassword' as const, username: 'ghost', password: 'kettle-orbit-42', passwordHash: 'h', by: 'a' },
    { type: 'GrantGroup' as const, username: 'ghost', group: 'group:approvers', by: 'a' },
    { type: 'RevokeGroup' as const, username: 'ghost', group: 'group:approvers', by: 'a' },
  ])('refuses $type on an unknown account', (command) => {
    spec().when(command, context).thenRejects('unknown_user', 'Unknown user: ghost');
  });
});

describe('passwords', () => {
  it('records the new hash', () => {
    spec(registered).when({ type: 'ChangePassword', username: 'vondele', password: 'granite-moss-77', passwordHash: 'scrypt$new', by: 'admin' }, context).then(
      (events, after) => {
        expect(events).toEqual([{ type: 'PasswordChanged', data: { username: 'vondele', passwordHash: 'scrypt$new', by: 'admin', at } }]);
        expect(after?.passwordHash).toBe('scrypt$new');
      },
    );
  });

  it('applies the strength rules, the email included', () => {
    spec(registered).when({ type: 'ChangePassword', username: 'vondele', password: 'short', passwordHash: 'h', by: 'a' }, context).thenRejects('weak_password');
    spec(registered).when({ type: 'ChangePassword', username: 'vondele', password: 'z'.repeat(73), passwordHash: 'h', by: 'a' }, context).thenRejects('password_too_long');
  });
});

describe('groups', () => {
  it('grants a group once; a second grant is refused as upstream refuses a duplicate', () => {
    spec(registered).when({ type: 'GrantGroup', username: 'vondele', group: 'group:approvers', by: 'a' }, context).then(
      (_, after) => expect(after?.groups).toEqual(['group:approvers']),
    );
    spec(registered, approver).when({ type: 'GrantGroup', username: 'vondele', group: 'group:approvers', by: 'a' }, context).thenRejects(
      'group_already_granted',
      'User vondele is already in group:approvers',
    );
  });

  it.each(['approvers', 'group:', 'group:Approvers', 'group:a b', ''])('refuses the group name %j', (group) => {
    spec(registered).when({ type: 'GrantGroup', username: 'vondele', group, by: 'a' }, context).thenRejects('invalid_group');
  });

  it('revokes a group the account has, and only such a group', () => {
    spec(registered, approver).when({ type: 'RevokeGroup', username: 'vondele', group: 'group:approvers', by: 'a' }, context).then(
      (_, after) => expect(after?.groups).toEqual([]),
    );
    spec(registered).when({ type: 'RevokeGroup', username: 'vondele', group: 'group:approvers', by: 'a' }, context).thenRejects(
      'group_not_granted',
      'User vondele is not in group:approvers',
    );
  });
});

describe('machine limit', () => {
  it('starts at upstream\'s 16 and changes to any whole number up to the cap', () => {
    spec(registered).when({ type: 'SetMachineLimit', username: 'vondele', machineLimit: 50, by: 'a' }, context).then((events, after) => {
      expect(events).toEqual([{ type: 'MachineLimitSet', data: { username: 'vondele', machineLimit: 50, by: 'a', at } }]);
      expect(after?.machineLimit).toBe(50);
    });
    spec(registered).when({ type: 'SetMachineLimit', username: 'vondele', machineLimit: 0, by: 'a' }, context).then((_, after) =>
      expect(after?.machineLimit).toBe(0),
    );
  });

  it('refuses the same limit again, and a limit that is not a whole number in range', () => {
    spec(registered).when({ type: 'SetMachineLimit', username: 'vondele', machineLimit: 16, by: 'a' }, context).thenRejects(
      'machine_limit_unchanged',
      'User vondele already has a machine limit of 16',
    );
    for (const machineLimit of [-1, 1.5, 10_001, Number.NaN]) {
      spec(registered).when({ type: 'SetMachineLimit', username: 'vondele', machineLimit, by: 'a' }, context).thenRejects('invalid_machine_limit');
    }
    spec().when({ type: 'SetMachineLimit', username: 'vondele', machineLimit: 5, by: 'a' }, context).thenRejects('unknown_user');
  });
});

describe('evolve', () => {
  it('folds a whole history', () => {
    const state = fold(evolveUser, initialUserState(), [registered, accepted, approver, blocked]);
    expect(state).toEqual({
      username: 'vondele',
      email: 'vondele@example.org',
      passwordHash: 'scrypt$old',
      registeredAt: '2026-01-01T00:00:00.000Z',
      pending: false,
      blocked: true,
      groups: ['group:approvers'],
      machineLimit: 16,
    });
  });

  it('ignores account events before registration', () => {
    expect(evolveUser(null, accepted)).toBeNull();
  });
});
