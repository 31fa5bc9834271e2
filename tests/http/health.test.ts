import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, composeContainer } from '../../src/container.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildApp } from '../../src/http/app.js';
import type { Projection } from '../../src/projections/projection.js';
import type { Doc } from '../../src/stores/documents/port.js';
import { projections as catalog } from '../../src/projections/catalog.js';
import { STREAMS } from '../../src/projections/streams/streamsProjection.js';
import { makeTempDir } from '../support/tempDir.js';

const failing: Projection = {
  name: 'always-fails',
  version: 1,
  collections: { failures: { indexes: [] } },
  eventTypes: '*',
  keys: () => [],
  project: () => {
    throw new Error('broken projection');
  },
};

// The read store cannot serialise a BigInt, so it refuses every batch with this document.
const unstorable: Projection = {
  name: 'unstorable',
  version: 1,
  collections: { unstorable: { indexes: [] } },
  eventTypes: '*',
  keys: (event) => [{ collection: 'unstorable', id: event.streamId }],
  project: (event) => [{ collection: 'unstorable', id: event.streamId, doc: { _id: event.streamId, size: 1n } as unknown as Doc }],
};

interface HealthBody {
  status: string;
  projections: Array<{ name: string; state: string; stalled?: boolean; behindSince?: string; retry?: { attempts: number; error: string } }>;
}

describe('HTTP app on the embedded stores', () => {
  let app: FastifyInstance | undefined;
  let removeDir: (() => void) | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    removeDir?.();
  });

  const start = async (projections: readonly Projection[] = catalog, env: NodeJS.ProcessEnv = {}): Promise<DependencyContainer> => {
    const temp = makeTempDir();
    removeDir = temp.remove;
    const config = loadConfig({ ...env, DATA_DIR: temp.dir });
    const container = await composeContainer({ config, logger: silentLogger, projections });
    app = await buildApp({ container });
    await app.ready();
    return container;
  };

  const appendOne = (container: DependencyContainer, stream: string) =>
    container
      .resolve(TOKENS.eventStore)
      .append(stream, [{ type: 'Noted', data: {}, metadata: { actor: 'test', correlationId: randomUUID() } }], 'any');

  it('GET /health reports both stores and projection lag', async () => {
    await start();
    const response = await app!.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'ok',
      eventStore: { kind: 'sqlite', ok: true, walCheckpoints: { gatedPasses: 0, truncations: 0, lastHoldMs: 0, longestHoldMs: 0 } },
      readStore: { kind: 'sqlite', ok: true },
    });
    expect(body.projections.map((p: { name: string }) => p.name)).toEqual(catalog.map((p) => p.name));
    expect(body.projections).toContainEqual(
      expect.objectContaining({ name: 'streams', version: 1, state: 'running', lag: '0', serving: true }),
    );
  });

  it('GET /health reports how long the embedded log\'s syncs took', async () => {
    const container = await start();
    await appendOne(container, 'run-9');
    const body = (await app!.inject({ method: 'GET', url: '/health' })).json();
    expect(body.eventStore.logSyncs).toMatchObject({ slowerThanMs: { '10': expect.any(Number), '1000': expect.any(Number) } });
    expect(body.eventStore.logSyncs.count).toBeGreaterThanOrEqual(1);
    expect(body.eventStore.logSyncs.maxMs).toBeGreaterThanOrEqual(0);
  });

  it('projects appended events into the streams read model (read-your-writes)', async () => {
    const container = await start();
    await appendOne(container, 'run-1');
    const { position } = await appendOne(container, 'run-1');
    expect(await container.resolve(TOKENS.projectionEngine).waitFor(position)).toBe(true);
    const doc = await container.resolve(TOKENS.readModels).collection(STREAMS).get('run-1');
    expect(doc).toMatchObject({ _id: 'run-1', category: 'run', events: 2, revision: 1, lastEventType: 'Noted' });
  });

  it('answers 503 while a projection has failed', async () => {
    const container = await start([...catalog, failing]);
    const { position } = await appendOne(container, 'run-2');
    await container.resolve(TOKENS.projectionEngine).waitFor(position, 300);
    const response = await app!.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.status).toBe('unavailable');
    expect(body.projections).toContainEqual(
      expect.objectContaining({ name: 'always-fails', state: 'failed', error: expect.stringContaining('broken projection') }),
    );
  });

  it('shows a batch the read store refuses as a retry, and answers 503 once it has stalled longer than PROJECTION_STALL_MS', async () => {
    const container = await start([...catalog, unstorable], { PROJECTION_STALL_MS: '400' });
    const appendedAt = Date.now();
    await appendOne(container, 'run-3');
    let body: HealthBody | undefined;
    for (let statusCode = 200; statusCode === 200; await new Promise((resolve) => setTimeout(resolve, 50))) {
      expect(Date.now() - appendedAt).toBeLessThan(10_000);
      const response = await app!.inject({ method: 'GET', url: '/health' });
      statusCode = response.statusCode;
      body = response.json<HealthBody>();
      // Until then the retry may show, but the projection is not stalled.
      if (statusCode === 200) expect(body.projections.find((p) => p.name === 'unstorable')?.stalled).toBeUndefined();
    }
    expect(Date.now() - appendedAt).toBeGreaterThanOrEqual(400);
    expect(body?.status).toBe('unavailable');
    const entry = body?.projections.find((p) => p.name === 'unstorable');
    expect(entry).toMatchObject({ state: 'running', stalled: true, retry: { error: expect.stringContaining('BigInt') } });
    expect(entry?.retry?.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.parse(entry?.behindSince ?? '')).toBeGreaterThanOrEqual(appendedAt - 1);
    // The others kept up with the same event.
    for (const other of body?.projections.filter((p) => p.name !== 'unstorable') ?? []) {
      expect(other).toMatchObject({ state: 'running' });
      expect(other.stalled).toBeUndefined();
    }
  });

  it('answers unknown routes with the JSON error shape', async () => {
    await start();
    const missing = await app!.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'Route GET /nope not found', statusCode: 404 });
  });
});
