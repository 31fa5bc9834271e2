import type { Config } from '../config/config.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { commandGroups } from './commands/index.js';
import { CommandFailedError, EXIT, UsageError } from './errors.js';
import { commandHelp, generalHelp, groupHelp, PROGRAM } from './help.js';
import { createCliRuntime } from './runtime.js';
import type { CliCommandGroup, CliIo } from './types.js';

export interface RunAdminOptions {
  io: CliIo;
  env?: NodeJS.ProcessEnv;
  groups?: readonly CliCommandGroup[];
  now?: () => number;
}

const DEFAULT_ACTOR = 'system';

const wantsHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

interface GlobalOptions {
  actor: string;
  help: boolean;
  rest: readonly string[];
}

/** Options before the group name; anything after it belongs to the command. */
const parseGlobal = (argv: readonly string[]): GlobalOptions => {
  let actor = DEFAULT_ACTOR;
  let help = false;
  let index = 0;
  for (; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('-')) break;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--as' || arg.startsWith('--as=')) {
      const value = arg === '--as' ? argv[++index] : arg.slice('--as='.length);
      if (value === undefined || value.trim() === '') throw new UsageError('--as needs an actor name');
      actor = value.trim();
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return { actor, help, rest: argv.slice(index) };
};

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs one CLI invocation and returns its exit code; never throws. */
export const runAdmin = async (argv: readonly string[], options: RunAdminOptions): Promise<number> => {
  const { io } = options;
  const groups = options.groups ?? commandGroups;
  let hint = `${PROGRAM} --help`;
  try {
    const global = parseGlobal(argv);
    const [groupName, commandName, ...rest] = global.rest;
    if (groupName === undefined) {
      if (global.help) {
        generalHelp(groups).forEach((line) => io.out(line));
        return EXIT.ok;
      }
      throw new UsageError('missing <group>');
    }
    const group = groups.find((candidate) => candidate.name === groupName);
    if (!group) throw new UsageError(`unknown group ${JSON.stringify(groupName)}`);
    hint = `${PROGRAM} ${group.name} --help`;
    if (commandName === undefined || commandName === '--help' || commandName === '-h') {
      if (commandName !== undefined || global.help) {
        groupHelp(group).forEach((line) => io.out(line));
        return EXIT.ok;
      }
      throw new UsageError('missing <command>');
    }
    const command = group.commands.find((candidate) => candidate.name === commandName);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(`${group.name} ${commandName}`)}`);
    hint = `${PROGRAM} ${group.name} ${command.name} --help`;
    if (global.help || wantsHelp(rest)) {
      commandHelp(group, command).forEach((line) => io.out(line));
      return EXIT.ok;
    }
    let config: Config;
    try {
      config = loadConfig(options.env ?? process.env);
    } catch (err) {
      if (err instanceof ConfigError) throw new CommandFailedError(err.message);
      throw err;
    }
    const runtime = createCliRuntime({ config, io, actor: global.actor, ...(options.now ? { now: options.now } : {}) });
    try {
      await command.run(rest, runtime);
    } finally {
      await runtime.close();
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}`);
      io.err(`See "${hint}".`);
      return EXIT.usage;
    }
    io.err(`error: ${describe(err)}`);
    return EXIT.failed;
  }
};
