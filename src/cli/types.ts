import type { Config } from '../config/config.js';
import type { EventContext, EventStore } from '../stores/events/port.js';
import type { ReadStore } from '../stores/documents/port.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The whole of standard input (for secrets that should not appear in the process list). */
  readStdin(): Promise<string>;
}

/** What a command may use. Stores are opened on first use and closed when the command ends. */
export interface CliRuntime {
  readonly io: CliIo;
  readonly config: Config;
  eventStore(): Promise<EventStore>;
  readStore(): Promise<ReadStore>;
  /** Metadata for the events this invocation appends: the operator's actor name, one correlation id. */
  eventContext(): EventContext;
  now(): number;
  /** Runs `close` when the command ends, before the stores are closed (latest registered first). */
  onClose(close: () => Promise<void>): void;
}

export interface CliCommand {
  readonly name: string;
  /** Arguments after the command name, e.g. `<name> --password P`. */
  readonly usage: string;
  readonly summary: string;
  /** Extra lines for `--help` (options, examples). */
  readonly details?: readonly string[];
  /** `argv` is everything after `<group> <command>`; throw UsageError or CommandFailedError. */
  run(argv: readonly string[], runtime: CliRuntime): Promise<void>;
}

/** `npm run admin -- <group> <command> …`; groups are listed in `commands/index.ts`. */
export interface CliCommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly CliCommand[];
}
