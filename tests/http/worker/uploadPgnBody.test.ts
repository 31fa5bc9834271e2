import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedGamesArgs } from '../../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';
import { storedWorkerInfo, wireWorkerInfo } from '../../support/workers.js';

/*
 * upload_pgn parses its body with a parser of its own, which takes the base64 PGN out before
 * the JSON parser sees the rest (src/http/worker/stringMember.ts). Whatever path a body takes,
 * the route must answer as the other worker endpoints do.
 */

const USERNAME = 'UploadWorker';
const PASSWORD = 'upload-horse-7';

const workerInfo = wireWorkerInfo(1, { username: USERNAME });

describe('upload_pgn bodies', () => {
  let w: WorkerApp;

  beforeAll(async () => {
    w = await startWorkerApp();
    await w.registerUser(USERNAME, PASSWORD);
  });
  afterAll(async () => {
    await w.close();
  });

  const withTask = async (): Promise<{ runId: string; taskId: number }> => {
    const runId = await w.seedRun(fixedGamesArgs({ username: USERNAME }));
    return { runId, taskId: await w.seedTask(runId, storedWorkerInfo(1, { username: USERNAME }), 200) };
  };

  const upload = (payload: string) =>
    w.app.inject({ method: 'POST', url: '/api/upload_pgn', headers: { 'content-type': 'application/json' }, payload });

  const games = (label: string): Buffer => gzipSync(Buffer.from(`[Event "${label}"]\n${'1. e4 e5 2. Nf3 Nc6 '.repeat(2000)}`));

  const downloaded = async (runId: string, taskId: number): Promise<string> => {
    const response = await w.app.inject({ method: 'GET', url: `/api/pgn/${runId}-${taskId}.pgn` });
    expect(response.statusCode).toBe(200);
    return gunzipSync(response.rawPayload).toString('utf8');
  };

  it('stores a large upload whose pgn member comes first, with the other members after it', async () => {
    const { runId, taskId } = await withTask();
    const pgn = games('first').toString('base64');
    const body = `{"pgn": "${pgn}", "password": ${JSON.stringify(PASSWORD)}, "worker_info": ${JSON.stringify(workerInfo)}, "run_id": "${runId}", "task_id": ${taskId}}`;
    const response = await upload(body);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ duration: expect.any(Number) });
    expect(await downloaded(runId, taskId)).toContain('[Event "first"]');
  });

  it('stores an upload whose pgn holds JSON escapes, which the whole-body parser reads', async () => {
    const { runId, taskId } = await withTask();
    const pgn = games('escaped').toString('base64').replaceAll('/', '\\/');
    expect(pgn).toContain('\\/');
    const body = `{"password": ${JSON.stringify(PASSWORD)}, "worker_info": ${JSON.stringify(workerInfo)}, "run_id": "${runId}", "task_id": ${taskId}, "pgn": "${pgn}"}`;
    const response = await upload(body);
    expect(response.statusCode, response.body).toBe(200);
    expect(await downloaded(runId, taskId)).toContain('[Event "escaped"]');
  });

  it('refuses a prototype key beside the pgn member, as every JSON body', async () => {
    const { runId, taskId } = await withTask();
    const body = `{"password": ${JSON.stringify(PASSWORD)}, "worker_info": {"__proto__": {"admin": true}}, "run_id": "${runId}", "task_id": ${taskId}, "pgn": "QUJD"}`;
    const response = await upload(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: '/api/upload_pgn: request is not json encoded', duration: expect.any(Number) });
  });

  it.each([
    ['broken JSON around a plain pgn member', '{"password": "x", "pgn": "QUJD", "task_id": }'],
    ['broken JSON with the pgn member unterminated', '{"password": "x", "pgn": "QUJD'],
    ['an empty body', ''],
  ])('answers %s as the other endpoints answer bad JSON', async (_case, body) => {
    const response = await upload(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: '/api/upload_pgn: request is not json encoded', duration: expect.any(Number) });
  });

  it('still checks credentials and the task when the pgn member was taken out', async () => {
    const { runId, taskId } = await withTask();
    const body = JSON.stringify({ password: 'wrong', worker_info: workerInfo, run_id: runId, task_id: taskId, pgn: games('x').toString('base64') });
    const response = await upload(body);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatch(/^\/api\/upload_pgn: /);
  });
});
