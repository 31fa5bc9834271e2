import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKurrentEventStore } from '../../src/stores/events/kurrent/index.js';
import type { EventStore } from '../../src/stores/events/port.js';
import { describeWithMongo } from '../support/ferretdb.js';
import type { KurrentFake } from '../support/kurrentFake/index.js';
import { startKurrentFake } from '../support/kurrentFake/index.js';
import { freePort, spawnTs, waitForHttp } from '../support/processes.js';
import type { Spawned } from '../support/processes.js';

interface Health {
  status: string;
  eventStore: { kind: string; ok: boolean };
  readStore: { kind: string; ok: boolean };
  projections: Array<{ name: string; state: string; checkpoint: string | null; head: string; lag: string }>;
}

describeWithMongo('production topology: query server and separate projector on KurrentDB and MongoDB', (mongo) => {
  let fake: KurrentFake;
  let events: EventStore;
  const processes: Spawned[] = [];

  beforeAll(async () => {
    fake = await startKurrentFake();
    events = createKurrentEventStore({ connectionString: fake.url });
  });
  afterEach(() => {
    for (const spawned of processes.splice(0)) spawned.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await events?.close();
    await fake?.stop();
  });

  const waitUntilCaughtUp = async (port: number, position: bigint, output: () => string): Promise<Health> => {
    const health = async (): Promise<Health> => (await waitForHttp(`http://127.0.0.1:${port}/health`)).json() as Promise<Health>;
    const deadline = Date.now() + 30_000;
    let body = await health();
    const behind = (h: Health): boolean => h.projections.some((p) => BigInt(p.checkpoint ?? '0') < position);
    while (behind(body)) {
      if (Date.now() > deadline) throw new Error(`projections did not catch up: ${JSON.stringify(body)}\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = await health();
    }
    return body;
  };

  const append = (stream: string) =>
    events.append(stream, [{ type: 'Noted', data: {}, metadata: { actor: 'test', correlationId: randomUUID() } }], 'any');

  /** A listening server records its start (`system` stream); the tests' own events come after it. */
  const waitForServerStarted = async (port: number): Promise<void> => {
    await waitForHttp(`http://127.0.0.1:${port}/health`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const started = (await events.readStream('system').catch(() => [])).filter((event) => event.type === 'ServerStarted');
      if (started.some((event) => (event.data as { instance?: unknown }).instance === String(port))) return;
      if (Date.now() > deadline) throw new Error(`no ServerStarted for port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const readStoreUrl = (): string => `${mongo.url().replace(/\/$/, '')}/topology_${randomBytes(5).toString('hex')}`;

  it('by default the server runs the projections on a thread of its own, on the production stores too', async () => {
    const port = await freePort();
    const server = spawnTs('src/main.ts', {
      EVENT_STORE_URL: fake.url,
      READ_STORE_URL: readStoreUrl(),
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    processes.push(server);
    await waitForServerStarted(port);
    await append('run-1');
    const { position } = await append('run-2');
    const body = await waitUntilCaughtUp(port, position, server.output);
    expect(body).toMatchObject({ status: 'ok', eventStore: { kind: 'kurrentdb' }, readStore: { kind: 'mongodb' } });
    // `running` comes from the thread's own runners; a process without them reports `remote`.
    for (const projection of body.projections) expect(projection).toMatchObject({ state: 'running', lag: '0' });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 60_000);

  it('the projector writes the read models the query server reports on, and both stop on SIGTERM', async () => {
    const port = await freePort();
    const env = { EVENT_STORE_URL: fake.url, READ_STORE_URL: readStoreUrl(), LOG_LEVEL: 'info' };
    const server = spawnTs('src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1', RUN_PROJECTIONS: 'off' });
    const projector = spawnTs('src/projector.ts', env);
    processes.push(server, projector);
    await waitForServerStarted(port);

    await append('run-1');
    await append('run-2');
    const { position } = await append('run-1');
    const body = await waitUntilCaughtUp(port, position, projector.output);
    expect(body).toMatchObject({
      status: 'ok',
      eventStore: { kind: 'kurrentdb', ok: true },
      readStore: { kind: 'mongodb', ok: true },
    });
    for (const projection of body.projections) {
      expect(projection).toMatchObject({ state: 'remote', lag: '0', head: position.toString() });
    }
    expect(body.projections.map((p) => p.name)).toContain('streams');

    server.child.kill('SIGTERM');
    projector.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect((await projector.exited).code).toBe(0);
  }, 60_000);
});
