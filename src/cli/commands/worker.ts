import type { EventStore } from '../../stores/events/port.js';
import { NO_STREAM } from '../../stores/events/port.js';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../stores/events/errors.js';
import { createBlockedWorkers, WORKER_STREAM_PREFIX, workerStreamName } from '../../commands/runs/workerStreams.js';
import { toIso } from '../../domain/shared/time.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { parseOptions } from '../parseOptions.js';
import { scanStreams } from '../scanStreams.js';
import type { CliCommand, CliCommandGroup, CliRuntime } from '../types.js';

/** `user-Ncores-<uuid prefix>`, the short name request_task refuses blocked workers by. */
const SHORT_WORKER_NAME = /^[A-Za-z0-9_.+@-]+-\d+cores(-[0-9A-Za-z]+)?$/;
const MAX_MESSAGE_LENGTH = 2_000;

const shortNameOf = (raw: string | undefined): string => {
  const name = (raw ?? '').trim();
  if (!SHORT_WORKER_NAME.test(name)) {
    throw new UsageError(`expected a short worker name such as alice-8cores-1a2b3c4d (got ${JSON.stringify(raw ?? '')})`);
  }
  return name;
};

interface WorkerBlockState {
  blocked?: { message: string };
  /** Revision of the stream's last event; null when it has none. */
  revision: bigint | null;
}

const readBlockState = async (eventStore: EventStore, name: string): Promise<WorkerBlockState> => {
  try {
    const events = await eventStore.readStream(workerStreamName(name));
    const blocked = createBlockedWorkers();
    for (const event of events) blocked.apply(event);
    const record = blocked.get(name);
    return { revision: events[events.length - 1]?.revision ?? null, ...(record ? { blocked: { message: record.message } } : {}) };
  } catch (err) {
    if (err instanceof StreamNotFoundError) return { revision: null };
    throw err;
  }
};

/** Appends the change unless the stream moved since it was read (then the operator runs it again). */
const appendChange = async (
  runtime: CliRuntime,
  name: string,
  state: WorkerBlockState,
  type: 'WorkerBlocked' | 'WorkerUnblocked',
  data: Record<string, string>,
): Promise<void> => {
  const eventStore = await runtime.eventStore();
  const context = runtime.eventContext();
  try {
    await eventStore.append(workerStreamName(name), [{ type, data, metadata: context }], state.revision ?? NO_STREAM);
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) throw new CommandFailedError(`worker ${name} changed meanwhile; run the command again`);
    throw err;
  }
};

const block: CliCommand = {
  name: 'block',
  usage: '<short-worker-name> [--message M]',
  summary: 'Block a worker machine: request_task then refuses it, with the message in its banner',
  details: [
    'The short name is the one the workers page and the worker log show, without the second uuid group:',
    '<user>-<N>cores-<first group of the unique key>, e.g. alice-8cores-1a2b3c4d.',
    'Blocking an already blocked worker only changes its message.',
  ],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(argv, { message: { type: 'string' } }, { names: ['short-worker-name'] });
    const name = shortNameOf(positionals[0]);
    const message = (values.message ?? '').trim();
    if (message.length > MAX_MESSAGE_LENGTH) throw new UsageError(`--message is longer than ${MAX_MESSAGE_LENGTH} characters`);
    const state = await readBlockState(await runtime.eventStore(), name);
    if (state.blocked?.message === message) {
      runtime.io.out(`Worker ${name} is already blocked`);
      return;
    }
    await appendChange(runtime, name, state, 'WorkerBlocked', {
      workerName: name,
      message,
      by: runtime.eventContext().actor,
      at: toIso(runtime.now()),
    });
    runtime.io.out(`${state.blocked ? 'Changed the message of blocked' : 'Blocked'} worker ${name}`);
  },
};

const unblock: CliCommand = {
  name: 'unblock',
  usage: '<short-worker-name>',
  summary: 'Let a blocked worker machine get tasks again',
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['short-worker-name'] });
    const name = shortNameOf(positionals[0]);
    const state = await readBlockState(await runtime.eventStore(), name);
    if (!state.blocked) {
      runtime.io.out(`Worker ${name} is not blocked`);
      return;
    }
    await appendChange(runtime, name, state, 'WorkerUnblocked', { workerName: name, by: runtime.eventContext().actor, at: toIso(runtime.now()) });
    runtime.io.out(`Unblocked worker ${name}`);
  },
};

const list: CliCommand = {
  name: 'list',
  usage: '[--json]',
  summary: 'List the blocked worker machines and their messages',
  async run(argv, runtime) {
    const { values } = parseOptions(argv, { json: { type: 'boolean' } }, { names: [] });
    const blocked = createBlockedWorkers();
    await scanStreams(await runtime.eventStore(), WORKER_STREAM_PREFIX, (event) => blocked.apply(event));
    const entries = blocked.entries().sort(([a], [b]) => a.localeCompare(b));
    if (values.json === true) {
      runtime.io.out(JSON.stringify(entries.map(([name, record]) => ({ worker: name, message: record.message }))));
      return;
    }
    if (entries.length === 0) {
      runtime.io.out('No worker is blocked');
      return;
    }
    const width = Math.max(...entries.map(([name]) => name.length), 'WORKER'.length);
    runtime.io.out(`${'WORKER'.padEnd(width)}  MESSAGE`);
    for (const [name, record] of entries) runtime.io.out(`${name.padEnd(width)}  ${record.message}`);
  },
};

export const workerGroup: CliCommandGroup = {
  name: 'worker',
  summary: 'Block and unblock worker machines',
  commands: [block, unblock, list],
};
