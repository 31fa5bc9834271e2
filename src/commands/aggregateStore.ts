import type { EventStore } from '../stores/events/port.js';
import { StreamNotFoundError } from '../stores/events/errors.js';
import type { DocumentCollection } from '../stores/documents/port.js';

export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

/** How a snapshot of the state is written and read back; bump `version` whenever `evolve` or the state changes. */
export interface SnapshotCodec<State> {
  version: number;
  serialize(state: State): unknown;
  deserialize(value: unknown): State;
  /** Take a snapshot once this many events were applied since the last one. */
  every: number;
}

export interface AggregateDefinition<State, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  snapshot?: SnapshotCodec<State>;
}

export interface LoadedAggregate<State> {
  state: State;
  /** Revision of the stream's last event; null when the stream does not exist yet. */
  revision: bigint | null;
  /** Events applied since the last snapshot (or since the start). */
  sinceSnapshot: number;
}

export interface SnapshotDoc {
  _id: string;
  version: number;
  revision: string;
  state: unknown;
  [field: string]: unknown;
}

export interface AggregateStore<State> {
  /** The cached aggregate, or one rebuilt from its latest snapshot and the events after it. */
  load(streamId: string, options?: { fresh?: boolean }): Promise<LoadedAggregate<State>>;
  /** Records the state after a successful append (and snapshots it when due). */
  remember(streamId: string, aggregate: LoadedAggregate<State>): void;
  /**
   * Optional: the state a group of commands decided, called just before its append; `remember`
   * (it was stored) or `forget` (it was not) follows. Nothing may treat it as durable.
   */
  decided?(streamId: string, aggregate: LoadedAggregate<State>): void;
  forget(streamId: string): void;
  cached(): number;
}

export interface AggregateStoreOptions<State, Event extends DomainEvent> {
  eventStore: EventStore;
  definition: AggregateDefinition<State, Event>;
  /** Where snapshots are kept: they are a cache, so the read store is the right place. */
  snapshots?: DocumentCollection<SnapshotDoc>;
  /** Least recently used aggregates beyond this many are dropped from memory. */
  maxCached?: number;
  readPageSize?: number;
  onSnapshotError?: (error: unknown, streamId: string) => void;
}

export const createAggregateStore = <State, Event extends DomainEvent>(
  options: AggregateStoreOptions<State, Event>,
): AggregateStore<State> => {
  const { eventStore, definition, snapshots } = options;
  const codec = definition.snapshot;
  const maxCached = options.maxCached ?? 10_000;
  const pageSize = options.readPageSize ?? 1_000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const cache = new Map<string, LoadedAggregate<State>>();

  const touch = (streamId: string, aggregate: LoadedAggregate<State>): void => {
    cache.delete(streamId);
    cache.set(streamId, aggregate);
    while (cache.size > maxCached) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  };

  const fromSnapshot = async (streamId: string): Promise<LoadedAggregate<State> | null> => {
    if (!codec || !snapshots) return null;
    const doc = await snapshots.get(streamId);
    if (!doc || doc.version !== codec.version) return null;
    return { state: codec.deserialize(doc.state), revision: BigInt(doc.revision), sinceSnapshot: 0 };
  };

  const replay = async (streamId: string): Promise<LoadedAggregate<State>> => {
    const start = (await fromSnapshot(streamId)) ?? { state: definition.initialState(), revision: null, sinceSnapshot: 0 };
    let { state, revision, sinceSnapshot } = start;
    for (;;) {
      const from = revision === null ? 0n : revision + 1n;
      let page;
      try {
        page = await eventStore.readStream(streamId, { fromRevision: from, maxCount: pageSize });
      } catch (err) {
        if (err instanceof StreamNotFoundError) break;
        throw err;
      }
      for (const event of page) {
        state = definition.evolve(state, { type: event.type, data: event.data } as Event);
        revision = event.revision;
        sinceSnapshot += 1;
      }
      if (page.length < pageSize) break;
    }
    return { state, revision, sinceSnapshot };
  };

  const saveSnapshot = (streamId: string, aggregate: LoadedAggregate<State>): void => {
    if (!codec || !snapshots || aggregate.revision === null) return;
    const doc: SnapshotDoc = {
      _id: streamId,
      version: codec.version,
      revision: aggregate.revision.toString(),
      state: codec.serialize(aggregate.state),
    };
    aggregate.sinceSnapshot = 0;
    snapshots.upsert(doc).catch((err: unknown) => options.onSnapshotError?.(err, streamId));
  };

  return {
    async load(streamId, loadOptions) {
      const cached = loadOptions?.fresh ? undefined : cache.get(streamId);
      if (cached) {
        touch(streamId, cached);
        return cached;
      }
      const loaded = await replay(streamId);
      touch(streamId, loaded);
      if (codec && loaded.sinceSnapshot >= codec.every) saveSnapshot(streamId, loaded);
      return loaded;
    },
    remember(streamId, aggregate) {
      touch(streamId, aggregate);
      if (codec && aggregate.sinceSnapshot >= codec.every) saveSnapshot(streamId, aggregate);
    },
    forget(streamId) {
      cache.delete(streamId);
    },
    cached: () => cache.size,
  };
};
