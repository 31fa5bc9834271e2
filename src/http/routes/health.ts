import type { FastifyPluginAsync } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../container.js';
import type { EventStore } from '../../stores/events/port.js';
import type { ProjectionStatus } from '../../projections/engine.js';
import { isStalled } from '../../projections/stall.js';
import type { SqliteEventStore } from '../../stores/events/sqlite/index.js';
import type { WalCheckpointStats } from '../../stores/sqlite/walCheckpointer.js';
import type { DurationStats } from '../../stores/sqlite/durationStats.js';

const probe = async (check: () => Promise<void>): Promise<{ ok: boolean; error?: string }> => {
  try {
    await check();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
};

/** How long the embedded log's checkpoints held its writer off (see walCheckpointer.ts), and how long its syncs took. */
const embeddedLogStatsOf = (eventStore: EventStore): { walCheckpoints?: WalCheckpointStats; logSyncs?: DurationStats } => {
  if (eventStore.kind !== 'sqlite') return {};
  const sqlite = eventStore as SqliteEventStore;
  const walCheckpoints = sqlite.walCheckpoints();
  const logSyncs = sqlite.logSyncs();
  return { ...(walCheckpoints === undefined ? {} : { walCheckpoints }), ...(logSyncs === undefined ? {} : { logSyncs }) };
};

const markStalled = (status: ProjectionStatus, stallMs: number, now: number): ProjectionStatus & { stalled?: true } =>
  isStalled(status, stallMs, now) ? { ...status, stalled: true } : status;

/**
 * Liveness and readiness: both stores reachable, projections running and keeping up, and how far
 * behind they are.
 */
export const healthRoutes =
  (container: DependencyContainer): FastifyPluginAsync =>
  async (app) => {
    const eventStore = container.resolve(TOKENS.eventStore);
    const readStore = container.resolve(TOKENS.readStore);
    const engine = container.resolve(TOKENS.projectionEngine);
    const { projectionStallMs } = container.resolve(TOKENS.config);

    app.get('/health', async (_request, reply) => {
      const [events, documents] = await Promise.all([probe(() => eventStore.ping()), probe(() => readStore.ping())]);
      let projections: Array<ProjectionStatus & { stalled?: true }> = [];
      let projectionsError: string | undefined;
      if (events.ok && documents.ok) {
        try {
          const now = Date.now();
          projections = (await engine.statuses()).map((status) => markStalled(status, projectionStallMs, now));
        } catch (err) {
          projectionsError = err instanceof Error ? err.message : String(err);
        }
      }
      const healthy =
        events.ok && documents.ok && projectionsError === undefined && projections.every((p) => p.state !== 'failed' && p.stalled !== true);
      return reply.status(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'unavailable',
        eventStore: { kind: eventStore.kind, ...events, ...embeddedLogStatsOf(eventStore) },
        readStore: { kind: readStore.kind, ...documents },
        projections,
        ...(projectionsError === undefined ? {} : { projectionsError }),
      });
    });
  };
