import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { composeContainer, TOKENS } from '../../src/container.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildApp } from '../../src/http/app.js';
import { fixedGamesArgs } from '../support/runArgs.js';
import { makeTempDir } from '../support/tempDir.js';
import { startWorkerApp, type WorkerApp } from '../support/workerApp.js';
import { wireWorkerInfo } from '../support/workers.js';

interface Entry {
  action: string;
  username: string;
  message?: string;
}

describe('audit log: the server records its own starts, stops and diagnostics', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const startServer = async (dataDir: string) => {
    const container = await composeContainer({ config: loadConfig({ DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'NORMAL' }), logger: silentLogger });
    const app = await buildApp({ container });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, container, port: (app.server.address() as AddressInfo).port };
  };

  const actions = async (app: Awaited<ReturnType<typeof startServer>>['app'], action: string): Promise<Entry[]> => {
    const response = await app.inject({ method: 'GET', url: `/api/actions?action=${action}` });
    expect(response.statusCode).toBe(200);
    return response.json() as Entry[];
  };

  it('writes system_event entries for each instance that listened: its start and its stop', async () => {
    const temp = makeTempDir('system-actions-');
    cleanups.push(() => temp.remove());
    const first = await startServer(temp.dir);
    await first.app.close();

    const second = await startServer(temp.dir);
    cleanups.push(() => second.app.close());
    // onListen hooks run once listening has begun, so the start may be recorded just after listen returned.
    let entries: Entry[] = [];
    for (const deadline = Date.now() + 5_000; entries.length < 3 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      entries = await actions(second.app, 'system_event');
    }
    expect(entries.map((entry) => [entry.username, entry.message])).toEqual([
      ['fishtest.system', `start fishtest@${first.port}`],
      ['fishtest.system', `stop fishtest@${first.port}`],
      ['fishtest.system', `start fishtest@${second.port}`],
    ]);
  });

  it('writes a log_message entry for an arch filter that cannot be evaluated, once for repeated requests', async () => {
    const api: WorkerApp = await startWorkerApp();
    cleanups.push(() => api.close());
    await api.registerUser('worker', 'diagnostics-secret');
    // Catastrophic backtracking: the search runs into its time limit on any architecture name.
    await api.seedRun(fixedGamesArgs({ arch_filter: '^(.?){25}.{25}$' }));
    for (let call = 0; call < 2; call += 1) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/request_task',
        payload: { password: 'diagnostics-secret', worker_info: wireWorkerInfo(call) },
      });
      expect(response.statusCode).toBe(200);
    }
    const engine = api.container.resolve(TOKENS.projectionEngine);
    expect(await engine.waitFor(await api.eventStore.headPosition(), 5_000)).toBe(true);
    const entries = await actions(api.app, 'log_message');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: 'fishtest.system', message: expect.stringMatching(/^Matching .+ against \^\(\.\?\)\{25\}\.\{25\}\$ failed: /) });
  });
});
