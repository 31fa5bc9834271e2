import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../../src/container.js';
import type { RunService } from '../../../src/commands/runs/index.js';
import type { BlobStore } from '../../../src/stores/blobs/port.js';
import { workerApi } from '../../../src/http/worker/plugin.js';
import { contributorsProjection } from '../../../src/projections/contributors/contributorsProjection.js';
import { runEvent } from '../../../src/domain/runs/events.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import { fixedGamesArgs, spsaRunArgs } from '../../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';
import { wireWorkerInfo } from '../../support/workers.js';

const PASSWORD = 'details-secret-5';

describe('worker protocol details', () => {
  describe('request_version when the server cannot check credentials', () => {
    it('answers 503 in plain text (a network failure to the worker, which retries) instead of an error that stops it', async () => {
      const app = Fastify();
      await app.register(
        workerApi({
          authenticate: () => Promise.reject(new Error('event store unavailable')),
          runs: {} as RunService,
          blobs: {} as BlobStore,
        }),
      );
      const response = await app.inject({
        method: 'POST',
        url: '/api/request_version',
        payload: { password: 'x', worker_info: { username: 'someone' } },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(() => JSON.parse(response.body) as unknown).toThrow();
      await app.close();
    });
  });

  describe('a process that is not the primary (WORKER_API=false)', () => {
    it('answers the protocol endpoints 503 "primary instance required" but serves downloads, and runs no scheduler', async () => {
      const secondary = await startWorkerApp({ env: { WORKER_API: 'false' } });
      try {
        for (const path of ['/api/request_version', '/api/request_task', '/api/update_task', '/api/upload_pgn']) {
          const response = await secondary.app.inject({ method: 'POST', url: path, payload: { password: PASSWORD, worker_info: { username: 'worker' } } });
          expect(response.statusCode).toBe(503);
          expect(response.json()).toEqual({ error: `${path}: primary instance required`, duration: expect.any(Number) });
        }
        const blobs = secondary.container.resolve(TOKENS.blobStore);
        const stored = await blobs.put(Buffer.from('net'));
        await blobs.setName('nn', 'nn-0123456789ab.nnue', stored.sha256);
        expect((await secondary.app.inject({ method: 'GET', url: '/api/nn/nn-0123456789ab.nnue' })).statusCode).toBe(200);
        // The run service still takes commands (optimistic concurrency), but follows nothing.
        const runId = '0123456789abcdef01234567';
        const args = fixedGamesArgs();
        const written = await secondary.eventStore.append(
          `run-${runId}`,
          [{ type: 'RunCreated', data: { runId, at: new Date().toISOString(), args, tcBase: 10 }, metadata: { actor: 'test', correlationId: 'c' } }],
          'any',
        );
        expect(await secondary.runs.caughtUp(written.position, 200)).toBe(false);
        expect(secondary.runs.unfinishedRuns()).toEqual([]);
      } finally {
        await secondary.close();
      }
    });
  });

  describe('on the whole application', () => {
    let w: WorkerApp;
    let proxied: WorkerApp;

    beforeAll(async () => {
      w = await startWorkerApp();
      await w.registerUser('worker', PASSWORD);
      proxied = await startWorkerApp({ env: { TRUST_PROXY: 'true' } });
      await proxied.registerUser('worker', PASSWORD);
    });
    afterAll(async () => {
      await w.close();
      await proxied.close();
    });

    const requestTask = (app: WorkerApp, n: number, headers: Record<string, string> = {}) =>
      app.app.inject({ method: 'POST', url: '/api/request_task', headers, payload: { password: PASSWORD, worker_info: wireWorkerInfo(n) } });

    /** Worker `n` takes a task of a new run with `args` and reports `stats` for it. */
    const reportOnNewRun = async (args: RunArgs, n: number, stats: Record<string, unknown>) => {
      const runId = await w.seedRun(args);
      const task = (await requestTask(w, n)).json();
      expect(task.run._id).toBe(runId);
      const response = await w.app.inject({
        method: 'POST',
        url: '/api/update_task',
        payload: { password: PASSWORD, worker_info: wireWorkerInfo(n), run_id: runId, task_id: task.task_id, stats },
      });
      return { runId, taskId: task.task_id as number, response };
    };

    it('stores the client address and the country the proxy reports on the task', async () => {
      const runId = await w.seedRun(fixedGamesArgs({ num_games: 10_000 }));
      const headers = { 'x-forwarded-for': '203.0.113.9', 'x-country-code': 'fr' };
      expect((await requestTask(w, 1, headers)).json()).toMatchObject({ task_id: 0 });
      expect((await requestTask(w, 2, { 'x-country-code': 'ZZ' })).json()).toMatchObject({ task_id: 1 });
      const run = await w.run(runId);
      // Without TRUST_PROXY the forwarded address is ignored.
      expect(run.tasks.get(0)?.workerInfo).toMatchObject({ remote_addr: '127.0.0.1', country_code: 'FR' });
      expect(run.tasks.get(1)?.workerInfo).toMatchObject({ remote_addr: '127.0.0.1', country_code: '?' });

      const proxiedRun = await proxied.seedRun(fixedGamesArgs({ num_games: 10_000 }));
      expect((await requestTask(proxied, 1, headers)).json()).toMatchObject({ task_id: 0 });
      expect((await proxied.run(proxiedRun)).tasks.get(0)?.workerInfo.remote_addr).toBe('203.0.113.9');
    });

    it('keeps the address stored on the task for later requests of that task', async () => {
      const runId = await proxied.seedRun(fixedGamesArgs({ num_games: 10_000 }));
      const reply = (await requestTask(proxied, 5, { 'x-forwarded-for': '203.0.113.10' })).json();
      expect(reply.run._id).toBe(runId);
      const stats = { wins: 1, losses: 1, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 1, 0, 0] };
      const update = await proxied.app.inject({
        method: 'POST',
        url: '/api/update_task',
        headers: { 'x-forwarded-for': '192.0.2.99' },
        payload: { password: PASSWORD, worker_info: wireWorkerInfo(5, { nps: 600_000 }), run_id: runId, task_id: reply.task_id, stats },
      });
      expect(update.json()).toEqual({ task_alive: true, duration: expect.any(Number) });
      const task = (await proxied.run(runId)).tasks.get(reply.task_id);
      expect(task?.workerInfo).toMatchObject({ remote_addr: '203.0.113.10', nps: 600_000 });
    });

    it('answers an SPSA update without its spsa block with a 400, the client\'s mistake, and applies nothing', async () => {
      const stats = { wins: 1, losses: 1, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 1, 0, 0] };
      const { runId, taskId, response } = await reportOnNewRun(spsaRunArgs({ num_games: 1000 }, 'Tempo,40,0,100,5,0.002'), 8, stats);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: `/api/update_task: Update_task: task ${runId}/${taskId} of an SPSA run sent no spsa results`,
        duration: expect.any(Number),
      });
      expect((await w.run(runId)).results).toMatchObject({ wins: 0, losses: 0, draws: 0 });
    });

    it('refuses unknown keys in worker_info and inconsistent results', async () => {
      const extra = await w.app.inject({
        method: 'POST',
        url: '/api/request_task',
        payload: { password: PASSWORD, worker_info: { ...wireWorkerInfo(1), colour: 'blue' } },
      });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().error).toMatch(/^\/api\/request_task: worker_info: /);
      const missing = { ...wireWorkerInfo(1) } as Record<string, unknown>;
      delete missing['nps'];
      expect((await w.app.inject({ method: 'POST', url: '/api/request_task', payload: { password: PASSWORD, worker_info: missing } })).statusCode).toBe(400);

      const bad = { wins: 2, losses: 0, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 1, 0, 0] };
      const { response } = await reportOnNewRun(fixedGamesArgs({ num_games: 10_000 }), 7, bad);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toContain('/api/update_task: stats');
    });

    it('sends a network file and counts the download; unknown names are 404 in the protocol shape', async () => {
      const blobs = w.container.resolve(TOKENS.blobStore);
      const bytes = Buffer.from('network bytes');
      const stored = await blobs.put(bytes);
      await blobs.setName('nn', 'nn-0123456789ab.nnue', stored.sha256);
      const response = await w.app.inject({ method: 'GET', url: '/api/nn/nn-0123456789ab.nnue' });
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(bytes)).toBe(true);
      expect(response.headers['content-length']).toBe(String(bytes.length));
      expect(await blobs.getCounter('nn', 'nn-0123456789ab.nnue')).toBe(1);
      const missing = await w.app.inject({ method: 'GET', url: '/api/nn/nn-ffffffffffff.nnue' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: '/api/nn/nn-ffffffffffff.nnue: No data found', duration: expect.any(Number) });
    });

    it('takes the CPU hours for stop_run from the contributors read model', async () => {
      const app = await startWorkerApp({ projections: [contributorsProjection] });
      try {
        await app.registerUser('worker', PASSWORD);
        // 20000 games of 60+0.6 are about 1030 CPU hours.
        const runId = await app.seedRun(fixedGamesArgs({ num_games: 100_000, tc: '60+0.6', new_tc: '60+0.6' }));
        const worker = { ...(wireWorkerInfo(3) as unknown as WorkerInfo), remote_addr: '127.0.0.1', country_code: '?' };
        const stats = { wins: 0, losses: 0, draws: 20_000, crashes: 0, time_losses: 0, pentanomial: [0, 0, 10_000, 0, 0] as const };
        await app.appendRunEvents(runId, (at) => [
          runEvent('TaskAssigned', { runId, at, taskId: 0, numGames: 30_000, start: 0, workerInfo: worker }),
          runEvent('TaskResultsReported', { runId, at, taskId: 0, stats, delta: stats }),
        ]);
        const engine = app.container.resolve(TOKENS.projectionEngine);
        expect(await engine.waitFor(await app.eventStore.headPosition(), 5_000)).toBe(true);
        const response = await app.app.inject({
          method: 'POST',
          url: '/api/stop_run',
          payload: { password: PASSWORD, worker_info: wireWorkerInfo(3), run_id: runId, task_id: 0, message: 'Wrong bench' },
        });
        expect(response.statusCode, response.body).toBe(200);
        expect(await app.run(runId)).toMatchObject({ finished: true, failed: true });
      } finally {
        await app.close();
      }
    });

    it('redirects network downloads to NN_URL when it is set', async () => {
      const cdn = await startWorkerApp({ env: { NN_URL: 'https://nets.example.org/' } });
      try {
        const blobs = cdn.container.resolve(TOKENS.blobStore);
        const stored = await blobs.put(Buffer.from('net'));
        await blobs.setName('nn', 'nn-0123456789ab.nnue', stored.sha256);
        const response = await cdn.app.inject({ method: 'GET', url: '/api/nn/nn-0123456789ab.nnue' });
        expect(response.statusCode).toBe(302);
        expect(response.headers.location).toBe('https://nets.example.org/nn/nn-0123456789ab.nnue');
        expect(await blobs.getCounter('nn', 'nn-0123456789ab.nnue')).toBe(1);
      } finally {
        await cdn.close();
      }
    });
  });
});
