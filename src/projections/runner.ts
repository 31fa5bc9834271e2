import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../stores/events/port.js';
import type { Doc, GuardedChange, ReadStore } from '../stores/documents/port.js';
import { CheckpointConflictError } from '../stores/documents/errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { ALIAS_TTL_MS } from './readModels.js';
import type { DocKey, Projection } from './projection.js';
import { checkpointIdOf, docKeyString, physicalCollectionName } from './projection.js';

export type RunnerState = 'starting' | 'running' | 'failed' | 'stopped';

export interface RunnerStatus {
  name: string;
  version: number;
  state: RunnerState;
  /** Position of the last event applied, null before the first batch. */
  checkpoint: bigint | null;
  /** True once this version serves queries (immediately for a new projection, after catch-up for a rebuild). */
  serving: boolean;
  error?: string;
  /**
   * Since when (ms since the epoch) events have been waiting here with no batch committed: set when
   * the first event arrives while idle, reset by every commit that leaves events waiting.
   */
  behindSince?: number;
  /** The batch in progress was refused by the read store and is being retried. */
  retry?: BatchRetry;
}

export interface BatchRetry {
  /** When the read store first refused this batch (ms since the epoch). */
  since: number;
  attempts: number;
  error: string;
}

export interface ProjectionRunner {
  start(): Promise<void>;
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
  status(): RunnerStatus;
  /** Called after every committed batch with the new checkpoint. */
  onProgress(listener: (checkpoint: bigint) => void): () => void;
  /** Someone waits for `position`: apply the events up to it without letting a small batch linger. */
  hurry(position: bigint): void;
}

export interface RunnerOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  projection: Projection;
  logger?: Logger;
  batchSize?: number;
  /**
   * How long a batch smaller than `batchSize` waits for more events before it is applied. Under
   * load every append would otherwise cost each projection its own read-store transaction, and
   * the cost of a transaction grows little with its size. 0 applies at once; so does `hurry`.
   */
  batchDelayMs?: number;
  /** Longest wait between retries of a batch the read store refused. */
  maxRetryDelayMs?: number;
  /** The clock behind `behindSince` and `retry.since`; tests replace it. */
  now?: () => number;
  /**
   * How long a replaced collection is kept after a rebuild switch, so queries that resolved the
   * old alias a moment ago (in this or another process) still find it. Must outlast ALIAS_TTL_MS.
   */
  dropGraceMs?: number;
}

/** A projection function failed on an event: the runner stops rather than skip it. */
export class ProjectionFailedError extends Error {
  override readonly name = 'ProjectionFailedError';
}

const VERSION_SUFFIX = /_v(\d+)$/;

export const createProjectionRunner = (options: RunnerOptions): ProjectionRunner => {
  const { eventStore, readStore, projection } = options;
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  const batchDelayMs = options.batchDelayMs ?? 0;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const dropGraceMs = options.dropGraceMs ?? 5 * ALIAS_TTL_MS;
  const now = options.now ?? Date.now;
  const checkpointId = checkpointIdOf(projection);
  const handles = (type: string): boolean =>
    projection.eventTypes === '*' || projection.eventTypes.includes(type);
  const logicalNames = Object.keys(projection.collections);
  const physicalOf = (logical: string): string => physicalCollectionName(logical, projection.version);

  let state: RunnerState = 'starting';
  let error: string | undefined;
  let checkpoint: bigint | null = null;
  let lastReceived = 0n;
  let behindSince: number | undefined;
  let retry: BatchRetry | undefined;
  /** Logical collections still served by an older version: switched once this one has caught up. */
  let pendingSwitch = new Map<string, string>();
  let buffer: RecordedEvent[] = [];
  let subscription: Subscription | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  /** True while a small batch waits for company: only a full batch, a hurry or a stop cuts it short. */
  let lingering = false;
  /** The highest position someone waits for (read-your-writes): events up to it do not linger. */
  let hurriedTo = -1n;
  let readyWaiters: Array<() => void> = [];
  const dropTimers = new Set<NodeJS.Timeout>();
  const progressListeners = new Set<(checkpoint: bigint) => void>();

  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const waitForWork = (): Promise<void> => new Promise((resolve) => (wake = resolve));

  const highWater = batchSize * 4;
  const ready = (): Promise<void> =>
    buffer.length < highWater || stopping ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve));
  const releaseReady = (): void => {
    if (buffer.length >= highWater && !stopping) return;
    const waiters = readyWaiters;
    readyWaiters = [];
    for (const release of waiters) release();
  };

  const subscribe = (): void => {
    subscription = eventStore.subscribeAll({ fromPosition: lastReceived, ready }).subscribe({
      next: (event) => {
        lastReceived = event.position;
        behindSince ??= now();
        buffer.push(event);
        if (!lingering || buffer.length >= batchSize) signal();
      },
      error: (err: unknown) => {
        logger.warn({ err, projection: checkpointId }, 'projection subscription dropped; resubscribing');
        subscription = undefined;
        signal();
      },
    });
  };

  /** Runs a projection function, turning a throw into a failure of the projection (never retried). */
  const guarded = <T>(event: RecordedEvent, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof ProjectionFailedError) throw err;
      throw new ProjectionFailedError(
        `${checkpointId} failed on event ${event.id} (${event.type} at ${event.position}): ${String(err)}`,
        { cause: err },
      );
    }
  };

  const keySet = (keys: readonly DocKey[]): Set<string> =>
    new Set(keys.map((key) => docKeyString(key.collection, key.id)));

  /** Reads into `working` the named documents it does not hold yet, as stored before this batch. */
  const fetchMissing = async (working: Map<string, Doc | null>, keys: readonly DocKey[]): Promise<void> => {
    const wanted = new Map<string, Set<string>>();
    for (const key of keys) {
      if (!projection.collections[key.collection]) {
        throw new ProjectionFailedError(`${checkpointId}: names undeclared collection ${key.collection}`);
      }
      if (working.has(docKeyString(key.collection, key.id))) continue;
      const ids = wanted.get(key.collection) ?? new Set<string>();
      ids.add(key.id);
      wanted.set(key.collection, ids);
    }
    for (const [logical, ids] of wanted) {
      const spec = projection.collections[logical];
      if (!spec) continue;
      const found = await readStore.collection(physicalOf(logical), spec).getMany([...ids]);
      for (const id of ids) working.set(docKeyString(logical, id), null);
      for (const doc of found) working.set(docKeyString(logical, doc._id), doc);
    }
  };

  const readerOf =
    (working: ReadonlyMap<string, Doc | null>, allowed: ReadonlySet<string>, namedBy: string) =>
    (collection: string, id: string): Doc | null => {
      const key = docKeyString(collection, id);
      if (!allowed.has(key)) {
        throw new ProjectionFailedError(`${checkpointId}: read ${collection}/${id}, which ${namedBy} did not name`);
      }
      return working.get(key) ?? null;
    };

  const applyBatch = async (batch: readonly RecordedEvent[]): Promise<void> => {
    const last = batch[batch.length - 1];
    if (!last) return;
    const handled = batch.filter((event) => handles(event.type));
    const working = new Map<string, Doc | null>();
    const hasLookups = projection.lookups !== undefined;
    const lookupsByEvent = handled.map((event) => (projection.lookups ? guarded(event, () => projection.lookups?.(event) ?? []) : []));
    await fetchMissing(working, lookupsByEvent.flat());
    const keysOf = (event: RecordedEvent, index: number): DocKey[] => {
      const lookup = readerOf(working, keySet(lookupsByEvent[index] ?? []), 'lookups()');
      return guarded(event, () => projection.keys(event, lookup));
    };
    // One read for the whole batch. With lookups this is a first guess from the stored documents:
    // an earlier event of the batch may change what a later one touches, so keys are asked again below.
    const firstKeys = handled.map(keysOf);
    await fetchMissing(working, firstKeys.flat());

    const touched = new Map<string, GuardedChange>();
    for (const [index, event] of handled.entries()) {
      let keys = firstKeys[index] ?? [];
      if (hasLookups) {
        keys = keysOf(event, index);
        await fetchMissing(working, keys);
      }
      const allowed = new Set([...keySet(keys), ...keySet(lookupsByEvent[index] ?? [])]);
      const current = readerOf(working, allowed, 'keys()');
      const position = Number(event.position);
      const changes = guarded(event, () => projection.project(event, current));
      for (const change of changes) {
        const key = docKeyString(change.collection, change.id);
        if (!allowed.has(key)) {
          throw new ProjectionFailedError(`${checkpointId}: wrote ${change.collection}/${change.id}, which keys() did not name`);
        }
        const existing = working.get(key);
        // A document already at or past this event has seen it: a replay after a partial write.
        if (existing && (existing._position ?? -1) >= position) continue;
        const doc = change.doc === null ? null : { ...change.doc, _id: change.id, _position: position };
        working.set(key, doc);
        touched.set(key, { collection: physicalOf(change.collection), id: change.id, position, doc });
      }
    }

    await readStore.commitProjectionBatch({
      checkpointId,
      from: checkpoint,
      to: last.position,
      changes: [...touched.values()],
    });
    checkpoint = last.position;
    for (const listener of progressListeners) listener(last.position);
  };

  const applyWithRetry = async (batch: readonly RecordedEvent[]): Promise<boolean> => {
    let delay = 50;
    for (;;) {
      try {
        await applyBatch(batch);
        retry = undefined;
        return true;
      } catch (err) {
        if (err instanceof ProjectionFailedError || err instanceof CheckpointConflictError) {
          state = 'failed';
          error = err.message;
          logger.error({ err, projection: checkpointId }, 'projection stopped');
          return false;
        }
        if (stopping) return false;
        retry = { since: retry?.since ?? now(), attempts: (retry?.attempts ?? 0) + 1, error: err instanceof Error ? err.message : String(err) };
        logger.warn({ err, projection: checkpointId, retryInMs: delay, attempts: retry.attempts }, 'projection batch not written; retrying');
        await sleep(delay);
        if (stopping) return false;
        delay = Math.min(delay * 2, maxRetryDelayMs);
      }
    }
  };

  const dropLater = (physical: string): void => {
    const timer = setTimeout(() => {
      dropTimers.delete(timer);
      readStore.dropCollection(physical).catch((err: unknown) => {
        logger.warn({ err, collection: physical }, 'could not drop replaced collection; it is dropped at next start');
      });
    }, dropGraceMs);
    timer.unref();
    dropTimers.add(timer);
  };

  /** Versions of our collections that are neither this version nor serving: left over from a switch. */
  const dropStaleVersions = async (): Promise<void> => {
    const existing = await readStore.listCollections();
    for (const logical of logicalNames) {
      const alias = await readStore.getAlias(logical);
      for (const name of existing) {
        const version = name.startsWith(`${logical}_v`) ? VERSION_SUFFIX.exec(name)?.[1] : undefined;
        if (version === undefined || name !== `${logical}_v${version}`) continue;
        if (name === physicalOf(logical) || name === alias) continue;
        await readStore.dropCollection(name);
        await readStore.deleteCheckpoint(checkpointIdOf({ name: projection.name, version: Number(version) }));
      }
    }
  };

  const switchIfCaughtUp = async (): Promise<void> => {
    if (pendingSwitch.size === 0) return;
    const head = await eventStore.headPosition();
    if ((checkpoint ?? 0n) < head) return;
    for (const [logical, oldPhysical] of pendingSwitch) {
      await readStore.setAlias(logical, physicalOf(logical));
      const oldVersion = VERSION_SUFFIX.exec(oldPhysical)?.[1];
      if (oldVersion !== undefined && Number(oldVersion) !== projection.version) {
        await readStore.deleteCheckpoint(checkpointIdOf({ name: projection.name, version: Number(oldVersion) }));
      }
      dropLater(oldPhysical);
    }
    logger.info({ projection: checkpointId }, 'rebuilt projection caught up; now serving queries');
    pendingSwitch = new Map();
  };

  const run = async (): Promise<void> => {
    while (!stopping && state === 'running') {
      if (buffer.length === 0) {
        if (!subscription) {
          await sleep(200);
          if (!stopping) subscribe();
          continue;
        }
        try {
          await switchIfCaughtUp();
        } catch (err) {
          logger.warn({ err, projection: checkpointId }, 'could not switch rebuilt projection yet');
        }
        // An event may have arrived while switching; only sleep when there is still nothing to do.
        if (buffer.length === 0 && !stopping) await waitForWork();
        continue;
      }
      if (batchDelayMs > 0 && buffer.length < batchSize && hurriedTo <= (checkpoint ?? -1n)) {
        lingering = true;
        await sleep(batchDelayMs);
        lingering = false;
      }
      const batch = buffer.slice(0, batchSize);
      const ok = await applyWithRetry(batch);
      if (!ok) break;
      buffer = buffer.slice(batch.length);
      behindSince = buffer.length === 0 ? undefined : now();
      releaseReady();
    }
  };

  return {
    async start() {
      for (const logical of logicalNames) {
        const spec = projection.collections[logical];
        if (spec) await readStore.ensureCollection(physicalOf(logical), spec);
      }
      checkpoint = await readStore.getCheckpoint(checkpointId);
      lastReceived = checkpoint ?? 0n;
      for (const logical of logicalNames) {
        const alias = await readStore.getAlias(logical);
        if (alias === null) await readStore.setAlias(logical, physicalOf(logical));
        else if (alias !== physicalOf(logical)) pendingSwitch.set(logical, alias);
      }
      await dropStaleVersions();
      state = 'running';
      subscribe();
      loop = run().catch((err: unknown) => {
        state = 'failed';
        error = String(err);
        logger.error({ err, projection: checkpointId }, 'projection loop crashed');
      });
    },
    async stop() {
      stopping = true;
      subscription?.unsubscribe();
      subscription = undefined;
      releaseReady();
      signal();
      await loop;
      // Pending drops of replaced collections happen at the next start instead.
      for (const timer of dropTimers) clearTimeout(timer);
      dropTimers.clear();
      if (state !== 'failed') state = 'stopped';
    },
    status() {
      return {
        name: projection.name,
        version: projection.version,
        state,
        checkpoint,
        serving: pendingSwitch.size === 0 && state !== 'starting',
        ...(error === undefined ? {} : { error }),
        ...(behindSince === undefined ? {} : { behindSince }),
        ...(retry === undefined ? {} : { retry: { ...retry } }),
      };
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    hurry(position) {
      if (position <= (checkpoint ?? -1n) || position <= hurriedTo) return;
      hurriedTo = position;
      if (lingering) signal();
    },
  };
};
