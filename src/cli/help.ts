import type { CliCommand, CliCommandGroup } from './types.js';

export const PROGRAM = 'npm run admin --';

const table = (rows: ReadonlyArray<readonly [string, string]>): string[] => {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
};

export const generalHelp = (groups: readonly CliCommandGroup[]): string[] => [
  `Usage: ${PROGRAM} [--as <actor>] <group> <command> [arguments]`,
  '',
  'Operator commands. They read the same settings as the server (DATA_DIR, EVENT_STORE_URL,',
  'READ_STORE_URL, SQLITE_SYNCHRONOUS) and append events to the event log directly; a running',
  'server picks them up through its subscriptions.',
  '',
  'Groups:',
  ...table(groups.map((group) => [group.name, group.summary])),
  '',
  'Global options:',
  ...table([
    ['--as <actor>', 'name recorded as the actor of the events (default: system)'],
    ['-h, --help', `this text; "<group> --help" and "<group> <command> --help" say more`],
  ]),
];

export const groupHelp = (group: CliCommandGroup): string[] => [
  `Usage: ${PROGRAM} ${group.name} <command> [arguments]`,
  '',
  `${group.summary}.`,
  '',
  'Commands:',
  ...table(group.commands.map((command) => [`${command.name} ${command.usage}`.trim(), command.summary])),
];

export const commandHelp = (group: CliCommandGroup, command: CliCommand): string[] => [
  `Usage: ${PROGRAM} ${group.name} ${command.name} ${command.usage}`.trimEnd(),
  '',
  `${command.summary}.`,
  ...(command.details && command.details.length > 0 ? ['', ...command.details] : []),
];
