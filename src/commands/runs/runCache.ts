import type { AggregateStore, LoadedAggregate, SnapshotDoc } from '../aggregateStore.js';
import { createAggregateStore } from '../aggregateStore.js';
import type { Handler, Outcome } from '../streamCommandQueue.js';
import { createStreamCommandQueue } from '../streamCommandQueue.js';
import type { EventContext, EventStore } from '../../stores/events/port.js';
import { DuplicateEventIdError, StreamNotFoundError } from '../../stores/events/errors.js';
import type { DocumentCollection } from '../../stores/documents/port.js';
import type { RunEvent } from '../../domain/runs/events.js';
import { runStreamName } from '../../domain/runs/events.js';
import { evolveRun } from '../../domain/runs/evolve.js';
import { initialRunState, type RunState } from '../../domain/runs/state.js';
import { runSnapshotCodec } from './runSnapshotCodec.js';

export const RUN_STREAM_PREFIX = 'run-';

export const runIdOfStream = (streamId: string): string => streamId.slice(RUN_STREAM_PREFIX.length);

/** Called with every newer state of a run this process learns (its own commands, loads, other writers). */
export type RunStateListener = (runId: string, state: RunState) => void;

/**
 * The run cache: live run aggregates in memory (LRU, snapshots for long streams) and one
 * command queue per run stream, so the updates of one run never conflict inside this process
 * and those arriving together are appended together.
 */
export interface RunCache {
  /** The run's current state as this process knows it. */
  load(runId: string): Promise<RunState>;
  /** Decides on the run's state after every command submitted before, then appends. */
  submit<Reply>(runId: string, handler: Handler<RunState, RunEvent, Reply>, context: EventContext): Promise<Outcome<Reply>>;
  /**
   * Another writer appended to the run's stream up to `revision`: apply its events to the
   * cached state (or leave it to the command in flight, which will see them).
   */
  catchUp(runId: string, revision: bigint): Promise<void>;
  onChange(listener: RunStateListener): () => void;
  drain(): Promise<void>;
}

export interface RunCacheOptions {
  eventStore: EventStore;
  snapshots?: DocumentCollection<SnapshotDoc>;
  maxCached?: number;
  onError?: (error: unknown, runId: string) => void;
}

const rank = (revision: bigint | null | undefined): bigint => revision ?? -1n;

/** A submission whose append failed on an event id already stored is decided again on fresh state. */
const MAX_SUBMISSIONS = 3;

export const createRunCache = (options: RunCacheOptions): RunCache => {
  const { eventStore } = options;
  const inner = createAggregateStore<RunState, RunEvent>({
    eventStore,
    definition: { initialState: initialRunState, evolve: evolveRun, snapshot: runSnapshotCodec },
    ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    ...(options.maxCached === undefined ? {} : { maxCached: options.maxCached }),
    onSnapshotError: (error, streamId) => options.onError?.(error, runIdOfStream(streamId)),
  });
  const listeners = new Set<RunStateListener>();
  /** Revision of the newest state handed to the listeners, per stream. */
  const known = new Map<string, bigint | null>();
  const inFlight = new Map<string, number>();
  /** Streams another writer moved while a command was in flight: caught up once it is done. */
  const behind = new Map<string, bigint>();
  /** Per stream, the revision of a decided state the listeners saw that is not known to be stored yet. */
  const unconfirmed = new Map<string, bigint>();
  /** Streams whose listeners may have seen a state the store does not hold: the next load shows them. */
  const stale = new Set<string>();

  /** A stored state at or past every decided one: the listeners saw nothing that could vanish. */
  const confirm = (streamId: string, revision: bigint | null): void => {
    const pending = unconfirmed.get(streamId);
    if (pending !== undefined && rank(revision) >= pending) unconfirmed.delete(streamId);
  };

  const publish = (streamId: string, aggregate: LoadedAggregate<RunState>): void => {
    // A run that does not exist (a request naming a random id) is not worth remembering.
    if (aggregate.revision === null) return;
    const previous = known.get(streamId);
    if (previous !== undefined && rank(aggregate.revision) <= rank(previous)) return;
    known.set(streamId, aggregate.revision);
    const runId = runIdOfStream(streamId);
    for (const listener of listeners) listener(runId, aggregate.state);
  };

  // Every state the queue or a load produces passes through here on its way to the cache.
  const aggregates: AggregateStore<RunState> = {
    async load(streamId, loadOptions) {
      const loaded = await inner.load(streamId, loadOptions);
      publish(streamId, loaded);
      stale.delete(streamId);
      return loaded;
    },
    remember(streamId, aggregate) {
      inner.remember(streamId, aggregate);
      confirm(streamId, aggregate.revision);
      publish(streamId, aggregate);
    },
    // The listeners (the scheduler's index) learn a decision before its append is durable, so that
    // request_task's global section need not wait for the disk; a failed append takes it back below.
    decided(streamId, aggregate) {
      // A run the store does not hold yet (its creation) waits for the store like before.
      if (!known.has(streamId)) return;
      publish(streamId, aggregate);
      unconfirmed.set(streamId, rank(aggregate.revision));
    },
    forget(streamId) {
      inner.forget(streamId);
      // What the listeners saw may never have been stored: the next load publishes the store's state.
      if (!unconfirmed.delete(streamId)) return;
      stale.add(streamId);
      known.delete(streamId);
    },
    cached: () => inner.cached(),
  };
  const queue = createStreamCommandQueue<RunState, RunEvent>({ eventStore, aggregates, evolve: evolveRun });

  const readAfter = async (streamId: string, from: bigint) => {
    try {
      return await eventStore.readStream(streamId, { fromRevision: from });
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
  };

  const catchUpStream = async (streamId: string, revision: bigint): Promise<void> => {
    if (rank(known.get(streamId)) >= revision) return;
    if ((inFlight.get(streamId) ?? 0) > 0) {
      const pending = behind.get(streamId);
      if (pending === undefined || revision > pending) behind.set(streamId, revision);
      return;
    }
    const loaded = await aggregates.load(streamId);
    if (rank(loaded.revision) >= revision) return;
    const startedFrom = known.get(streamId);
    const events = await readAfter(streamId, rank(loaded.revision) + 1n);
    if (events.length === 0) return;
    let state = loaded.state;
    for (const event of events) state = evolveRun(state, { type: event.type, data: event.data } as RunEvent);
    // A command of this process may have moved the state meanwhile; its state is then newer.
    if (known.get(streamId) !== startedFrom || (inFlight.get(streamId) ?? 0) > 0) return;
    const last = events[events.length - 1];
    if (last === undefined) return;
    aggregates.remember(streamId, { state, revision: last.revision, sinceSnapshot: loaded.sinceSnapshot + events.length });
  };

  const settle = (streamId: string): void => {
    const count = (inFlight.get(streamId) ?? 1) - 1;
    if (count > 0) {
      inFlight.set(streamId, count);
      return;
    }
    inFlight.delete(streamId);
    if (stale.has(streamId)) {
      // The last append failed after its decision was published: show the listeners the stored
      // state (which also covers any catch-up that waited).
      behind.delete(streamId);
      aggregates.load(streamId).catch((err: unknown) => options.onError?.(err, runIdOfStream(streamId)));
      return;
    }
    const revision = behind.get(streamId);
    if (revision === undefined) return;
    behind.delete(streamId);
    catchUpStream(streamId, revision).catch((err: unknown) => options.onError?.(err, runIdOfStream(streamId)));
  };

  return {
    async load(runId) {
      return (await aggregates.load(runStreamName(runId))).state;
    },
    async submit(runId, handler, context) {
      const streamId = runStreamName(runId);
      inFlight.set(streamId, (inFlight.get(streamId) ?? 0) + 1);
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await queue.submit(streamId, handler, context);
          } catch (err) {
            // Our cached state was behind the store (the queue has dropped it): decide again.
            if (err instanceof DuplicateEventIdError && attempt < MAX_SUBMISSIONS) continue;
            throw err;
          }
        }
      } finally {
        settle(streamId);
      }
    },
    catchUp: (runId, revision) => catchUpStream(runStreamName(runId), revision),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    drain: () => queue.drain(),
  };
};
