import { gunzipSync, gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS } from '../../../src/container.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import { runEvent } from '../../../src/domain/runs/events.js';
import { shortWorkerName } from '../../../src/domain/shared/worker-info.js';
import { workerStreamName } from '../../../src/commands/runs/index.js';
import { fixedGamesArgs, spsaRunArgs } from '../../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';

/*
 * Upstream's server/tests/test_api.py (TestHttpApi), case by case, against the whole application
 * over HTTP. Users are registered through the users service; runs and tasks are appended to the
 * log the way another process (the operator CLI) would, as upstream's tests write them straight
 * into the database.
 */

const USERNAME = 'JoeUserWorker';
const PASSWORD = 'correct-horse-9';
const UNIQUE_KEY = 'amaya-5a28-4b7d-b27b-d78d97ecf11a';
const WORKER_ENDPOINTS = [
  '/api/request_version',
  '/api/request_task',
  '/api/update_task',
  '/api/beat',
  '/api/request_spsa',
  '/api/failed_task',
  '/api/stop_run',
  '/api/upload_pgn',
  '/api/worker_log',
] as const;
const TASK_ENDPOINTS = ['/api/update_task', '/api/beat', '/api/request_spsa', '/api/failed_task', '/api/stop_run', '/api/upload_pgn'] as const;

const workerInfo = (overrides: Record<string, unknown> = {}) => ({
  uname: 'Linux',
  architecture: ['64bit', 'ELF'],
  concurrency: 7,
  max_memory: 5702,
  min_threads: 1,
  username: USERNAME,
  version: 325,
  python_version: [3, 11, 7],
  gcc_version: [9, 3, 0],
  compiler: 'g++',
  unique_key: UNIQUE_KEY,
  modified: true,
  near_github_api_limit: false,
  ARCH: '?',
  nps: 0.0,
  worker_arch: 'x86-64-avx512',
  ...overrides,
});

/** The worker info a task stores: the request's plus the server's remote_addr and country_code. */
const storedWorkerInfo = (): WorkerInfo => ({ ...(workerInfo() as unknown as WorkerInfo), remote_addr: '127.0.0.1', country_code: 'US' });

const zeroStats = { wins: 0, draws: 0, losses: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 0, 0, 0] };

const pgnPayload = (runId: string, taskId: number): string => gzipSync(Buffer.from(`[Event "${runId}-${taskId}"]\n1. e4 e5 2. d4 d5`)).toString('base64');

const cpuHours = new Map<string, number>();

describe('upstream test_api.py (TestHttpApi)', () => {
  let w: WorkerApp;

  beforeAll(async () => {
    w = await startWorkerApp({ runService: { cpuHoursOf: (username) => cpuHours.get(username) ?? -1 } });
    await w.registerUser(USERNAME, PASSWORD);
    cpuHours.set(USERNAME, 0);
  });
  afterAll(async () => {
    await w.close();
  });

  /** Upstream's setUp: no run left that could hand out tasks. */
  beforeEach(async () => {
    for (const run of w.runs.unfinishedRuns()) {
      await w.appendRunEvents(run.runId, (at) => [
        runEvent('RunStopped', {
          runId: run.runId,
          at,
          cause: 'user',
          by: 'test',
          message: 'User stop',
          failed: false,
          flags: { isGreen: false, isYellow: false },
        }),
      ]);
    }
  });

  const post = (url: string, payload: object) => w.app.inject({ method: 'POST', url, payload });
  const credentials = (password = PASSWORD, info: object = workerInfo()) => ({ password, worker_info: info });

  const expectWorkerError = (response: LightMyRequestResponse, status: number, path: string, contains?: string) => {
    expect(response.statusCode, `${path}: ${response.body}`).toBe(status);
    const body = response.json();
    expect(typeof body.duration).toBe('number');
    expect(body.error).toEqual(expect.stringMatching(new RegExp(`^${path}:`)));
    if (contains !== undefined) expect(body.error).toContain(contains);
    return body;
  };

  const createRun = (numGames = 400) => w.seedRun(fixedGamesArgs({ num_games: numGames, arch_filter: 'avx', username: USERNAME }));

  const createRunWithTask = async (options: { spsa?: boolean } = {}): Promise<{ runId: string; taskId: number }> => {
    const args = options.spsa ? spsaRunArgs({ num_games: 1000, username: USERNAME }, 'param name,1,0,100,1,1') : fixedGamesArgs({ username: USERNAME });
    const runId = await w.seedRun(args);
    const taskId = await w.seedTask(runId, storedWorkerInfo(), 200);
    return { runId, taskId };
  };

  it('test_request_version_ok', async () => {
    const response = await post('/api/request_version', credentials());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.version).toBe(325);
    expect(typeof body.duration).toBe('number');
  });

  it('test_request_version_wrong_password', async () => {
    expectWorkerError(await post('/api/request_version', credentials('wrong password')), 401, '/api/request_version');
  });

  it('test_request_version_invalid_json_body', async () => {
    const response = await w.app.inject({
      method: 'POST',
      url: '/api/request_version',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expectWorkerError(response, 400, '/api/request_version', 'request is not json encoded');
  });

  it('test_worker_endpoints_wrong_password', async () => {
    for (const path of WORKER_ENDPOINTS) {
      expectWorkerError(await post(path, credentials('wrong password')), 401, path, 'Invalid username or password.');
    }
  });

  it('test_worker_endpoints_missing_password_is_validation_error', async () => {
    for (const path of WORKER_ENDPOINTS) {
      expectWorkerError(await post(path, { worker_info: workerInfo() }), 400, path);
    }
  });

  it('test_worker_endpoints_missing_worker_info_is_validation_error', async () => {
    for (const path of WORKER_ENDPOINTS) {
      expectWorkerError(await post(path, { password: PASSWORD }), 400, path);
    }
  });

  it('test_worker_endpoints_invalid_json_body', async () => {
    for (const path of WORKER_ENDPOINTS) {
      const response = await w.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: '{' });
      expectWorkerError(response, 400, path, 'request is not json encoded');
    }
  });

  it('test_invalid_arch', async () => {
    const response = await post('/api/request_task', credentials(PASSWORD, workerInfo({ worker_arch: 'bad_arch' })));
    expectWorkerError(response, 400, '/api/request_task', 'bad_arch');
  });

  it('test_request_task_no_runs_returns_task_waiting', async () => {
    const response = await post('/api/request_task', credentials());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ task_waiting: false });
    expect(body.error).toBeUndefined();
    expect(typeof body.duration).toBe('number');
  });

  it('test_request_task_ok', async () => {
    const runIds = [await createRun(), await createRun(), await createRun()];
    const response = await post('/api/request_task', credentials());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.error).toBeUndefined();
    expect(runIds).toContain(body.run._id);
    const run = await w.run(body.run._id);
    expect(run.tasks.length).toBe(1);
    expect(run.workers).toBe(1);
    expect(run.cores).toBe(7);
    expect(run.tasks.get(body.task_id)?.active).toBe(true);
  });

  it('test_request_task_blocked_worker_is_application_error', async () => {
    await createRun();
    const stream = workerStreamName(shortWorkerName(storedWorkerInfo()));
    const block = async (type: 'WorkerBlocked' | 'WorkerUnblocked') => {
      const written = await w.eventStore.append(
        stream,
        [{ type, data: { message: 'blocked for test', by: 'approver' }, metadata: { actor: 'approver', correlationId: type } }],
        'any',
      );
      expect(await w.runs.caughtUp(written.position)).toBe(true);
    };
    await block('WorkerBlocked');
    let response;
    try {
      response = await post('/api/request_task', credentials());
    } finally {
      await block('WorkerUnblocked');
    }
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.task_waiting).toBe(false);
    expect(body.error).toContain('Request_task:');
    expect(body.error).toContain('blocked for test');
    expect(typeof body.duration).toBe('number');
  });

  it('test_task_endpoints_missing_run_id_is_validation_error', async () => {
    for (const path of TASK_ENDPOINTS) {
      const payload = { ...credentials(), task_id: 0, ...(path === '/api/upload_pgn' ? { pgn: pgnPayload('missing-run', 0) } : {}) };
      expectWorkerError(await post(path, payload), 400, path, 'run_id');
    }
  });

  it('test_task_endpoints_missing_task_id_is_validation_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    for (const path of TASK_ENDPOINTS) {
      const payload = { ...credentials(), run_id: runId, ...(path === '/api/upload_pgn' ? { pgn: pgnPayload(runId, taskId) } : {}) };
      expectWorkerError(await post(path, payload), 400, path, 'task_id');
    }
  });

  it('test_task_endpoints_invalid_run_id_is_error', async () => {
    const runId = '0123456789abcdef01234567';
    for (const path of TASK_ENDPOINTS) {
      const payload = { ...credentials(), run_id: runId, task_id: 0, ...(path === '/api/upload_pgn' ? { pgn: pgnPayload(runId, 0) } : {}) };
      expectWorkerError(await post(path, payload), 400, path, 'Invalid run_id');
    }
  });

  it('test_task_endpoints_invalid_task_id_is_error', async () => {
    const { runId } = await createRunWithTask();
    for (const path of TASK_ENDPOINTS) {
      const payload = { ...credentials(), run_id: runId, task_id: 99, ...(path === '/api/upload_pgn' ? { pgn: pgnPayload(runId, 0) } : {}) };
      expectWorkerError(await post(path, payload), 400, path, 'Invalid task_id');
    }
  });

  it('test_task_endpoints_mismatched_worker_info_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    const other = workerInfo({ unique_key: 'f4f1a1b6-2dd0-4f2b-ae6e-3f6f3b3b4c7b' });
    for (const path of TASK_ENDPOINTS) {
      const payload = {
        ...credentials(PASSWORD, other),
        run_id: runId,
        task_id: taskId,
        ...(path === '/api/upload_pgn' ? { pgn: pgnPayload(runId, taskId) } : {}),
      };
      const body = expectWorkerError(await post(path, payload), 400, path, 'Invalid unique_key');
      expect(body.error).toContain(`task ${runId}/${taskId}. From task: ${UNIQUE_KEY}. From request: f4f1a1b6-`);
    }
  });

  it('test_worker_log_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/worker_log', { ...credentials(), run_id: runId, task_id: taskId, message: 'hello' });
    expect(response.statusCode).toBe(200);
    expect(typeof response.json().duration).toBe('number');
    const logged = (await w.runEvents(runId)).find((event) => event.type === 'WorkerLogged');
    expect(logged?.data).toMatchObject({ runId, taskId, message: 'hello', username: USERNAME });
    expect((logged?.data as { workerName: string }).workerName).toBe(`${USERNAME}-7cores-amaya-5a28*`);
  });

  it('test_worker_log_ok without a run (stored on the worker stream)', async () => {
    const response = await post('/api/worker_log', { ...credentials(), message: 'hello' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ duration: expect.any(Number) });
    const events = await w.eventStore.readStream(workerStreamName(shortWorkerName(storedWorkerInfo())));
    expect(events.at(-1)).toMatchObject({ type: 'WorkerLogged', data: { message: 'hello', username: USERNAME } });
  });

  it('test_worker_log_with_run_id_requires_task_id', async () => {
    const { runId } = await createRunWithTask();
    const response = await post('/api/worker_log', { ...credentials(), run_id: runId, message: 'hello' });
    expectWorkerError(response, 400, '/api/worker_log', 'Missing task_id for worker_log run context');
  });

  it('test_worker_log_truncates_long_message', async () => {
    const { runId, taskId } = await createRunWithTask();
    const message = 'x'.repeat(5120 + 25);
    const response = await post('/api/worker_log', { ...credentials(), run_id: runId, task_id: taskId, message });
    expect(response.statusCode).toBe(200);
    const logged = (await w.runEvents(runId)).find((event) => event.type === 'WorkerLogged');
    expect((logged?.data as { message: string }).message).toBe('x'.repeat(5120));
  });

  // Upstream checks actiondb.log_message; here the audit texts a worker sends are truncated the same way.
  it('test_log_message_truncates_long_message (failed_task message)', async () => {
    const { runId, taskId } = await createRunWithTask();
    const message = 'y'.repeat(5120 + 25);
    const response = await post('/api/failed_task', { ...credentials(), run_id: runId, task_id: taskId, message });
    expect(response.statusCode).toBe(200);
    const failed = (await w.runEvents(runId)).find((event) => event.type === 'TaskFailed');
    expect((failed?.data as { message: string }).message).toHaveLength(5120);
  });

  it('test_update_task_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/update_task', { ...credentials(), run_id: runId, task_id: taskId, stats: zeroStats });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toHaveProperty('task_alive');
    expect(typeof body.duration).toBe('number');
  });

  it('test_beat_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/beat', { ...credentials(), run_id: runId, task_id: taskId });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ task_alive: true, duration: expect.any(Number) });
  });

  it('test_request_spsa_ok', async () => {
    const { runId, taskId } = await createRunWithTask({ spsa: true });
    const response = await post('/api/request_spsa', { ...credentials(), run_id: runId, task_id: taskId });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.task_alive).toBe(true);
    expect(typeof body.duration).toBe('number');
    expect(body.w_params).toEqual([expect.objectContaining({ name: 'param name', value: expect.any(Number), flip: expect.any(Number) })]);
    expect(body.b_params).toEqual([{ name: 'param name', value: expect.any(Number) }]);
    expect(Number.isInteger(body.sig)).toBe(true);
  });

  it('test_failed_task_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/failed_task', { ...credentials(), run_id: runId, task_id: taskId, message: 'failed for test' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ duration: expect.any(Number) });
    expect((await w.run(runId)).tasks.get(taskId)?.active).toBe(false);
  });

  it('test_stop_run_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    cpuHours.set(USERNAME, 1000);
    let response;
    try {
      response = await post('/api/stop_run', { ...credentials(), run_id: runId, task_id: taskId, message: 'stop run for test' });
    } finally {
      cpuHours.set(USERNAME, 0);
    }
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ duration: expect.any(Number) });
    const run = await w.run(runId);
    expect(run).toMatchObject({ finished: true, failed: true, failures: 1 });
  });

  it('test_stop_run_insufficient_cpu_hours_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/stop_run', { ...credentials(), run_id: runId, task_id: taskId, message: 'stop run for test' });
    expectWorkerError(response, 401, '/api/stop_run', 'too few games');
    const run = await w.run(runId);
    expect(run.finished).toBe(false);
    expect(run.tasks.get(taskId)?.active).toBe(false);
  });

  it('test_stop_run_finished_run_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    await w.appendRunEvents(runId, (at) => [
      runEvent('RunFinished', { runId, at, reason: 'games-reached', flags: { isGreen: false, isYellow: false } }),
    ]);
    cpuHours.set(USERNAME, 1000);
    let response;
    try {
      response = await post('/api/stop_run', { ...credentials(), run_id: runId, task_id: taskId, message: 'stop run for test' });
    } finally {
      cpuHours.set(USERNAME, 0);
    }
    expectWorkerError(response, 401, '/api/stop_run', 'already finished');
  });

  it('test_upload_pgn_ok', async () => {
    const { runId, taskId } = await createRunWithTask();
    const pgn = pgnPayload(runId, taskId);
    const response = await post('/api/upload_pgn', { ...credentials(), run_id: runId, task_id: taskId, pgn });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ duration: expect.any(Number) });
    const uploaded = (await w.runEvents(runId)).find((event) => event.type === 'PgnUploaded');
    expect(uploaded?.data).toMatchObject({ taskId, size: Buffer.from(pgn, 'base64').length });
    const download = await w.app.inject({ method: 'GET', url: `/api/pgn/${runId}-${taskId}.pgn` });
    expect(download.statusCode).toBe(200);
    expect(gunzipSync(download.rawPayload).toString()).toContain(`[Event "${runId}-${taskId}"]`);
  });

  it('test_upload_pgn_missing_payload_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/upload_pgn', { ...credentials(), run_id: runId, task_id: taskId });
    expectWorkerError(response, 400, '/api/upload_pgn', 'Missing pgn');
  });

  it('test_upload_pgn_invalid_base64_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    const response = await post('/api/upload_pgn', { ...credentials(), run_id: runId, task_id: taskId, pgn: 'not-base64' });
    expectWorkerError(response, 400, '/api/upload_pgn');
  });

  it('test_upload_pgn_invalid_gzip_is_error', async () => {
    const { runId, taskId } = await createRunWithTask();
    const pgn = Buffer.from('not-gzip').toString('base64');
    const response = await post('/api/upload_pgn', { ...credentials(), run_id: runId, task_id: taskId, pgn });
    expectWorkerError(response, 400, '/api/upload_pgn');
  });

  describe('read API (public, no authentication)', () => {
    // These routes belong to the read side (skipped in an app that does not serve them).
    const served = (method: 'GET' | 'POST', url: string): boolean => w.app.hasRoute({ method, url });
    /** Read models are eventually consistent: wait until the projections applied everything written so far. */
    const projected = async (): Promise<void> => {
      const engine = w.container.resolve(TOKENS.projectionEngine);
      expect(await engine.waitFor(await w.eventStore.headPosition(), 5_000)).toBe(true);
    };

    it('test_get_active_runs', async (context) => {
      if (!served('GET', '/api/active_runs')) return context.skip();
      const runId = await createRun();
      await projected();
      const response = await w.app.inject({ method: 'GET', url: '/api/active_runs' });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json())).toContain(runId);
    });

    it('test_actions_post', async (context) => {
      if (!served('POST', '/api/actions')) return context.skip();
      const response = await w.app.inject({ method: 'POST', url: '/api/actions', payload: {} });
      expect(response.statusCode).toBe(200);
      expect(Array.isArray(response.json())).toBe(true);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-headers']).toBe('content-type');
    });

    it('test_actions_options_is_not_allowed', async (context) => {
      if (!served('POST', '/api/actions')) return context.skip();
      const response = await w.app.inject({ method: 'OPTIONS', url: '/api/actions' });
      expect(response.statusCode).toBe(405);
    });

    it('test_get_run', async (context) => {
      if (!served('GET', '/api/get_run/:id')) return context.skip();
      const runId = await createRun();
      await projected();
      const response = await w.app.inject({ method: 'GET', url: `/api/get_run/${runId}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()._id).toBe(runId);
      expect(response.headers['access-control-allow-origin']).toBe('*');
    });

    it('test_get_run_options_is_not_allowed', async (context) => {
      if (!served('GET', '/api/get_run/:id')) return context.skip();
      const runId = await createRun();
      const response = await w.app.inject({ method: 'OPTIONS', url: `/api/get_run/${runId}` });
      expect(response.statusCode).toBe(405);
    });

    it('test_get_elo', async (context) => {
      if (!served('GET', '/api/get_elo/:id')) return context.skip();
      const runId = await createRun();
      await projected();
      const response = await w.app.inject({ method: 'GET', url: `/api/get_elo/${runId}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({});
    });
  });

  it('test_duplicate_workers', async () => {
    await createRun(400);
    const first = await post('/api/request_task', credentials());
    expect(first.statusCode).toBe(200);
    expect(first.json().error).toBeUndefined();
    const second = await post('/api/request_task', credentials());
    expect(second.statusCode).toBe(200);
    expect(second.json().error).toBeUndefined();
  });

  it('test_auto_purge_runs', async () => {
    const runId = await createRun(1200);
    const stats = (games: number, wins: number, losses: number) => {
      const draws = games - wins - losses;
      return { wins, draws, losses, crashes: 0, time_losses: 0, pentanomial: [losses / 2, 0, draws / 2, 0, wins / 2] };
    };

    let body = (await post('/api/request_task', credentials())).json();
    expect(body.run._id).toBe(runId);
    expect(body.task_id).toBe(0);
    const size1 = (await w.run(runId)).tasks.get(0)?.numGames ?? 0;
    const n1 = Math.floor(size1 / 5);
    let update = await post('/api/update_task', { ...credentials(), run_id: runId, task_id: 0, stats: stats(size1, n1, n1) });
    expect(update.json().task_alive).toBe(false);
    expect((await w.run(runId)).finished).toBe(false);

    body = (await post('/api/request_task', credentials())).json();
    expect(body.run._id).toBe(runId);
    expect(body.task_id).toBe(1);
    const task2 = (await w.run(runId)).tasks.get(1);
    const size2 = task2?.numGames ?? 0;
    expect(task2?.start).toBe(size1);
    const n2 = 2 * Math.floor(Math.floor(size2 / 5) / 2);
    update = await post('/api/update_task', { ...credentials(), run_id: runId, task_id: 1, stats: stats(size2, n2, n2) });
    expect(update.json().task_alive).toBe(false);

    const run = await w.run(runId);
    expect(run.finished).toBe(true);
    expect([...run.tasks].every((task) => !task.active)).toBe(true);
  });

  it('test_download_run_pgns_streaming_response', async () => {
    const blobs = w.container.resolve(TOKENS.blobStore);
    const runId = 'testrun123';
    const pgnA = Buffer.from('pgn-a');
    const pgnB = Buffer.from('pgn-bb');
    for (const [taskId, bytes] of [[0, pgnA], [1, pgnB]] as const) {
      const stored = await blobs.put(bytes);
      await blobs.setName('pgn', `${runId}-${taskId}`, stored.sha256);
    }
    const response = await w.app.inject({ method: 'GET', url: `/api/run_pgns/${runId}.pgn.gz` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(pgnA.length + pgnB.length));
    expect(response.headers['content-type']).toBe('application/gzip');
    expect(response.rawPayload.equals(Buffer.concat([pgnA, pgnB]))).toBe(true);
  });

  it('test_download_pgn_streaming_response', async () => {
    const blobs = w.container.resolve(TOKENS.blobStore);
    const id = '0123456789abcdef01234567-0';
    const raw = Buffer.from('pgn-bytes');
    const gzipped = gzipSync(raw);
    const stored = await blobs.put(gzipped);
    await blobs.setName('pgn', id, stored.sha256);
    const response = await w.app.inject({ method: 'GET', url: `/api/pgn/${id}.pgn` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-length']).toBe(String(gzipped.length));
    expect(response.headers['content-type']).toBe('application/gzip');
    expect(gunzipSync(response.rawPayload).equals(raw)).toBe(true);
  });
});
