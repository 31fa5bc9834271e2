import type { RecordedEvent } from '../../stores/events/port.js';
import { WORKER_STREAM_PREFIX } from '../../domain/workers/streams.js';

export { WORKER_STREAM_PREFIX, workerStreamName } from '../../domain/workers/streams.js';

export interface WorkerLoggedData {
  readonly username: string;
  readonly workerName: string;
  readonly message: string;
  readonly at: string;
}

/** The block records of worker names, in memory, kept from the worker streams. */
export interface BlockedWorkers {
  apply(event: RecordedEvent): void;
  get(shortName: string): { readonly message: string } | undefined;
  /** Every block record, to keep in a checkpoint. */
  entries(): Array<[string, { message: string }]>;
  restore(entries: ReadonlyArray<readonly [string, { message: string }]>): void;
}

export const createBlockedWorkers = (): BlockedWorkers => {
  const blocked = new Map<string, { message: string }>();
  return {
    apply(event) {
      if (!event.streamId.startsWith(WORKER_STREAM_PREFIX)) return;
      const shortName = event.streamId.slice(WORKER_STREAM_PREFIX.length);
      if (event.type === 'WorkerBlocked') {
        const message = (event.data as { message?: unknown } | null)?.message;
        blocked.set(shortName, { message: typeof message === 'string' ? message : '' });
      } else if (event.type === 'WorkerUnblocked') {
        blocked.delete(shortName);
      }
    },
    get: (shortName) => blocked.get(shortName),
    entries: () => [...blocked.entries()].map(([name, record]) => [name, { ...record }]),
    restore(entries) {
      blocked.clear();
      for (const [name, record] of entries) blocked.set(name, { message: record.message });
    },
  };
};
