import type { EventStore } from '../stores/events/port.js';
import type { ReadStore } from '../stores/documents/port.js';
import type { Logger } from '../logger.js';
import type { Projection } from './projection.js';
import { checkpointIdOf } from './projection.js';
import type { ProjectionRunner, RunnerState } from './runner.js';
import { createProjectionRunner } from './runner.js';

export interface ProjectionStatus {
  name: string;
  version: number;
  state: RunnerState | 'remote';
  checkpoint: string | null;
  head: string;
  /** head − checkpoint, in log positions (events on the embedded store). */
  lag: string;
  serving: boolean;
  error?: string;
  /**
   * Since when the read model has been behind the log without applying anything (ISO time); absent
   * while it keeps up. Without a runner here that has the events in hand, it is the first status
   * request that saw the checkpoint where it still is, so it may be later than the real start.
   */
  behindSince?: string;
  /** The read store refused the batch in progress since `since`; it is retried with back-off. */
  retry?: { since: string; attempts: number; error: string };
}

export interface ProjectionEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): Promise<ProjectionStatus[]>;
  /**
   * Read-your-writes: resolves true once every projection has applied the log up to `position`,
   * false when `timeoutMs` passes first.
   */
  waitFor(position: bigint, timeoutMs?: number): Promise<boolean>;
  /**
   * Asks the projections run here to apply the log up to `position` at once instead of letting
   * a small batch wait for more events (waitFor does it itself); nothing when they run elsewhere.
   */
  hurry(position: bigint): void;
}

export interface EngineOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection[];
  logger: Logger;
  /** False in query-only processes: projections run in a separate projector process. */
  runProjections: boolean;
  batchSize?: number;
  /** See RunnerOptions.batchDelayMs. */
  batchDelayMs?: number;
  /** See RunnerOptions.maxRetryDelayMs. */
  maxRetryDelayMs?: number;
  /** The clock behind `behindSince`; tests replace it. */
  now?: () => number;
}

const REMOTE_POLL_MS = 25;

export const createProjectionEngine = (options: EngineOptions): ProjectionEngine => {
  const { eventStore, readStore, projections, logger } = options;
  const now = options.now ?? Date.now;
  const runners: ProjectionRunner[] = options.runProjections
    ? projections.map((projection) =>
        createProjectionRunner({
          eventStore,
          readStore,
          projection,
          logger: logger.child({ projection: checkpointIdOf(projection) }),
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
          ...(options.batchDelayMs === undefined ? {} : { batchDelayMs: options.batchDelayMs }),
          ...(options.maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs: options.maxRetryDelayMs }),
          now,
        }),
      )
    : [];

  const checkpoints = async (): Promise<Array<bigint | null>> =>
    options.runProjections
      ? runners.map((runner) => runner.status().checkpoint)
      : Promise.all(projections.map((projection) => readStore.getCheckpoint(checkpointIdOf(projection))));

  const reached = (values: ReadonlyArray<bigint | null>, position: bigint): boolean =>
    values.every((value) => (value ?? 0n) >= position);

  const waitLocally = (position: bigint, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const unsubscribes: Array<() => void> = [];
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        for (const unsubscribe of unsubscribes) unsubscribe();
        resolve(result);
      };
      const check = (): void => {
        if (reached(runners.map((runner) => runner.status().checkpoint), position)) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      for (const runner of runners) unsubscribes.push(runner.onProgress(check));
      check();
    });

  const waitRemotely = async (position: bigint, timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (reached(await checkpoints(), position)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
    }
  };

  // A checkpoint seen behind the head, and when it was first seen so.
  const sightings = new Map<string, { checkpoint: bigint | null; since: number }>();
  const sightedBehindSince = (id: string, checkpoint: bigint | null, behind: boolean): number | undefined => {
    if (!behind) {
      sightings.delete(id);
      return undefined;
    }
    const seen = sightings.get(id);
    if (seen && seen.checkpoint === checkpoint) return seen.since;
    const since = now();
    sightings.set(id, { checkpoint, since });
    return since;
  };

  const hurry = (position: bigint): void => {
    for (const runner of runners) runner.hurry(position);
  };

  return {
    async start() {
      for (const runner of runners) await runner.start();
    },
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
    },
    async statuses() {
      const head = await eventStore.headPosition();
      const values = await checkpoints();
      return projections.map((projection, index) => {
        const checkpoint = values[index] ?? null;
        const runnerStatus = runners[index]?.status();
        const lag = head - (checkpoint ?? 0n);
        // A runner knows exactly, but only about the events it has received: when its subscription
        // delivers nothing, the checkpoint seen standing still behind the head tells instead.
        const sighted = sightedBehindSince(checkpointIdOf(projection), checkpoint, lag > 0n);
        const behindSince = runnerStatus?.behindSince ?? sighted;
        const retry = runnerStatus?.retry;
        return {
          name: projection.name,
          version: projection.version,
          state: runnerStatus?.state ?? 'remote',
          checkpoint: checkpoint === null ? null : checkpoint.toString(),
          head: head.toString(),
          lag: (lag > 0n ? lag : 0n).toString(),
          serving: runnerStatus?.serving ?? true,
          ...(runnerStatus?.error === undefined ? {} : { error: runnerStatus.error }),
          ...(behindSince === undefined ? {} : { behindSince: new Date(behindSince).toISOString() }),
          ...(retry === undefined ? {} : { retry: { ...retry, since: new Date(retry.since).toISOString() } }),
        };
      });
    },
    waitFor(position, timeoutMs = 2_000) {
      if (!options.runProjections) return waitRemotely(position, timeoutMs);
      hurry(position);
      return waitLocally(position, timeoutMs);
    },
    hurry,
  };
};
