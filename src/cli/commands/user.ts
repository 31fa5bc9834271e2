import type { Outcome } from '../../commands/streamCommandQueue.js';
import type { UserCommands } from '../../commands/users/userCommands.js';
import { createUserCommands } from '../../commands/users/userCommands.js';
import type { UserDirectory } from '../../commands/users/userDirectory.js';
import { createUserDirectory } from '../../commands/users/userDirectory.js';
import type { UserAccount } from '../../domain/users/state.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { parseOptions } from '../parseOptions.js';
import type { CliCommand, CliCommandGroup, CliRuntime } from '../types.js';

interface UserServices {
  directory: UserDirectory;
  commands: UserCommands;
}

const openUsers = async (runtime: CliRuntime): Promise<UserServices> => {
  const eventStore = await runtime.eventStore();
  // One-shot: read the accounts once, do not follow the log.
  const directory = createUserDirectory({ eventStore, follow: false });
  runtime.onClose(() => directory.close());
  await directory.ready();
  return { directory, commands: createUserCommands({ eventStore, directory, now: runtime.now }) };
};

/** The account after the command, or the rule's message as a failure (exit code 1). */
const accepted = (outcome: Outcome<UserAccount>): UserAccount => {
  // The domain keeps upstream's "Error! …" wording for pages; the CLI already says "error:".
  if (outcome.kind !== 'accepted') throw new CommandFailedError(outcome.message.replace(/^Error! /, ''));
  return outcome.reply;
};

/** `approvers` is accepted as short for `group:approvers`. */
const groupName = (group: string): string => (group.startsWith('group:') ? group : `group:${group}`);

const passwordOptions = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

const passwordDetails = [
  'Give the password with --password P, or with --password-stdin to read it from standard input',
  '(the first line), which keeps it out of the process list and the shell history.',
];

const readPassword = async (values: { password?: string; 'password-stdin'?: boolean }, runtime: CliRuntime): Promise<string> => {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('give --password or --password-stdin, not both');
  if (values.password !== undefined) return values.password;
  if (values['password-stdin']) return ((await runtime.io.readStdin()).split(/\r?\n/)[0] ?? '');
  throw new UsageError('missing --password (or --password-stdin)');
};

const status = (account: UserAccount): string =>
  [account.blocked ? 'blocked' : '', account.pending ? 'pending' : ''].filter(Boolean).join(', ') || 'active';

const describeAccount = (account: UserAccount): string =>
  `${account.username} (${status(account)}${account.groups.length > 0 ? `; ${account.groups.join(', ')}` : ''})`;

const create: CliCommand = {
  name: 'create',
  usage: '<name> --email E (--password P | --password-stdin) [--approved] [--group G]…',
  summary: 'Register an account; it waits for approval unless --approved',
  details: [
    'Options:',
    '  --email E         the account email (unique, compared case-insensitively)',
    '  --password P      the password (8 to 72 characters, not built on the name or email)',
    '  --password-stdin  read the password from standard input instead',
    '  --approved        accept the account at once',
    '  --group G         add the account to a group (repeatable; "approvers" means group:approvers)',
    '',
    ...passwordDetails,
    '',
    'User names are ASCII letters and digits, at least two, unique whatever their case.',
  ],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(
      argv,
      { email: { type: 'string' }, ...passwordOptions, approved: { type: 'boolean' }, group: { type: 'string', multiple: true } },
      { names: ['name'] },
    );
    if (values.email === undefined) throw new UsageError('missing --email');
    const password = await readPassword(values, runtime);
    const { commands } = await openUsers(runtime);
    const account = accepted(
      await commands.register(
        {
          username: positionals[0] ?? '',
          email: values.email,
          password,
          accepted: values.approved === true,
          groups: (values.group ?? []).map(groupName),
        },
        runtime.eventContext(),
      ),
    );
    runtime.io.out(`Created user ${describeAccount(account)}`);
  },
};

/** A command that takes only the account name. */
const simple = (
  name: string,
  summary: string,
  act: (commands: UserCommands, username: string, runtime: CliRuntime) => Promise<Outcome<UserAccount>>,
  done: (account: UserAccount) => string,
): CliCommand => ({
  name,
  usage: '<name>',
  summary,
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['name'] });
    const { commands } = await openUsers(runtime);
    runtime.io.out(done(accepted(await act(commands, positionals[0] ?? '', runtime))));
  },
});

const accept = simple(
  'accept',
  'Accept a pending account',
  (commands, username, runtime) => commands.accept(username, runtime.eventContext()),
  (account) => `Accepted user ${describeAccount(account)}`,
);

const block = simple(
  'block',
  'Block an account: it can no longer log in or run workers',
  (commands, username, runtime) => commands.block(username, runtime.eventContext()),
  (account) => `Blocked user ${describeAccount(account)}`,
);

const unblock = simple(
  'unblock',
  'Unblock an account',
  (commands, username, runtime) => commands.unblock(username, runtime.eventContext()),
  (account) => `Unblocked user ${describeAccount(account)}`,
);

const password: CliCommand = {
  name: 'password',
  usage: '<name> (--password P | --password-stdin)',
  summary: "Set an account's password",
  details: passwordDetails,
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(argv, passwordOptions, { names: ['name'] });
    const newPassword = await readPassword(values, runtime);
    const { commands } = await openUsers(runtime);
    const account = accepted(await commands.changePassword(positionals[0] ?? '', newPassword, runtime.eventContext()));
    runtime.io.out(`Changed the password of ${account.username}`);
  },
};

const groupCommand = (
  name: 'grant' | 'revoke',
  summary: string,
  done: (account: UserAccount, group: string) => string,
): CliCommand => ({
  name,
  usage: '<name> <group>',
  summary,
  details: ['Groups are named group:<name>, e.g. group:approvers; "approvers" is short for it.'],
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['name', 'group'] });
    const [username = '', rawGroup = ''] = positionals;
    const group = groupName(rawGroup);
    const { commands } = await openUsers(runtime);
    const outcome =
      name === 'grant'
        ? await commands.grantGroup(username, group, runtime.eventContext())
        : await commands.revokeGroup(username, group, runtime.eventContext());
    runtime.io.out(done(accepted(outcome), group));
  },
});

const grant = groupCommand('grant', 'Add an account to a group', (account, group) => `Added ${account.username} to ${group}`);
const revoke = groupCommand('revoke', 'Remove an account from a group', (account, group) => `Removed ${account.username} from ${group}`);

const machineLimit: CliCommand = {
  name: 'machine-limit',
  usage: '<name> <N>',
  summary: "Set how many tasks one IP address may hold at once for the account's workers (default 16)",
  details: [
    'Upstream keeps this per user as machine_limit; a worker past it is told',
    '"Machine limit reached for user <name>". 0 keeps every machine of the user from getting tasks.',
  ],
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['name', 'N'] });
    const [username = '', raw = ''] = positionals;
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`<N> must be a whole number (got ${JSON.stringify(raw)})`);
    const { commands } = await openUsers(runtime);
    const account = accepted(await commands.setMachineLimit(username, Number(raw.trim()), runtime.eventContext()));
    runtime.io.out(`Set the machine limit of ${account.username} to ${account.machineLimit}`);
  },
};

const list: CliCommand = {
  name: 'list',
  usage: '[--json]',
  summary: 'List every account with its state and groups',
  details: ['--json prints one JSON array (without password hashes) instead of a table.'],
  async run(argv, runtime) {
    const { values } = parseOptions(argv, { json: { type: 'boolean' } }, { names: [] });
    const { directory } = await openUsers(runtime);
    const accounts = directory.list();
    if (values.json) {
      const visible = accounts.map(({ passwordHash: _hash, ...account }) => account);
      runtime.io.out(JSON.stringify(visible, null, 2));
      return;
    }
    if (accounts.length === 0) {
      runtime.io.out('No users.');
      return;
    }
    const rows = [
      ['USERNAME', 'STATUS', 'GROUPS', 'EMAIL', 'REGISTERED'],
      ...accounts.map((account) => [account.username, status(account), account.groups.join(',') || '-', account.email, account.registeredAt]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) runtime.io.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  },
};

export const userGroup: CliCommandGroup = {
  name: 'user',
  summary: 'Accounts: create, accept, block, unblock, passwords, groups, list',
  commands: [create, accept, block, unblock, password, grant, revoke, machineLimit, list],
};
