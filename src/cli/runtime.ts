import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { EventStore } from '../stores/events/port.js';
import type { ReadStore } from '../stores/documents/port.js';
import { openEventStore } from '../stores/events/fromUrl.js';
import { openReadStore } from '../stores/documents/fromUrl.js';
import type { CliIo, CliRuntime } from './types.js';

export interface CliRuntimeOptions {
  config: Config;
  io: CliIo;
  actor: string;
  now?: () => number;
}

export interface ClosableCliRuntime extends CliRuntime {
  /** Runs the registered closers, then closes whatever stores were opened. */
  close(): Promise<void>;
}

/**
 * Opens the stores the server's configuration names, but only those a command asks for: the
 * embedded event store accepts this second writer beside a running server, whose subscriptions
 * pick the new events up.
 */
export const createCliRuntime = (options: CliRuntimeOptions): ClosableCliRuntime => {
  const { config, io, actor } = options;
  const correlationId = randomUUID();
  const settings = { sqliteSynchronous: config.sqliteSynchronous };
  let eventStore: Promise<EventStore> | undefined;
  let readStore: Promise<ReadStore> | undefined;
  const closers: Array<() => Promise<void>> = [];

  return {
    io,
    config,
    eventStore: () => (eventStore ??= openEventStore({ url: config.eventStoreUrl, ...settings })),
    readStore: () => (readStore ??= openReadStore({ url: config.readStoreUrl })),
    eventContext: () => ({ actor, correlationId }),
    now: options.now ?? Date.now,
    onClose(close) {
      closers.push(close);
    },
    async close() {
      const failures: unknown[] = [];
      for (const close of closers.reverse()) await close().catch((err: unknown) => failures.push(err));
      const opened = [eventStore, readStore].filter((store) => store !== undefined);
      // A store that failed to open was already reported by the command that asked for it.
      const results = await Promise.allSettled(opened.map((store) => store.then((open) => open.close(), () => undefined)));
      for (const result of results) if (result.status === 'rejected') failures.push(result.reason);
      if (failures.length > 0) throw failures[0];
    },
  };
};
