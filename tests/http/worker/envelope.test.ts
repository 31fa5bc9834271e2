import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { WorkerApiError, registerWorkerEnvelope } from '../../../src/http/worker/envelope.js';
import { workerRequestSchema } from '../../../src/http/worker/schemas.js';

const build = () => {
  const app = Fastify();
  void app.register(async (api) => {
    registerWorkerEnvelope(api);
    api.post('/api/ok', async () => ({ task_alive: true }));
    api.post('/api/refuse', async () => {
      throw new WorkerApiError(401, 'Invalid username or password.');
    });
    api.post('/api/validate', async (request) => workerRequestSchema.parse(request.body) && {});
    api.post('/api/crash', async () => {
      throw new Error('internal detail');
    });
  });
  return app;
};

describe('worker protocol envelope', () => {
  it('adds a numeric duration to every reply', async () => {
    const response = await build().inject({ method: 'POST', url: '/api/ok', payload: {} });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.task_alive).toBe(true);
    expect(typeof body.duration).toBe('number');
    expect(body.duration).toBeGreaterThanOrEqual(0);
  });

  it('prefixes errors with the path and keeps the protocol status', async () => {
    const response = await build().inject({ method: 'POST', url: '/api/refuse', payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: '/api/refuse: Invalid username or password.', duration: expect.any(Number) });
  });

  it.each([
    ['malformed JSON', 'application/json', '{"password": '],
    ['a form body', 'application/x-www-form-urlencoded', 'password=x'],
    ['plain text', 'text/plain', 'hello'],
  ])('answers %s with 400 "request is not json encoded"', async (_name, contentType, payload) => {
    const response = await build().inject({ method: 'POST', url: '/api/ok', headers: { 'content-type': contentType }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: '/api/ok: request is not json encoded', duration: expect.any(Number) });
  });

  it('answers schema failures with 400 naming the field', async () => {
    const response = await build().inject({
      method: 'POST',
      url: '/api/validate',
      payload: { password: 'x', worker_info: { username: 'someone' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/^\/api\/validate: worker_info\.\w+: /);
  });

  it('answers a server fault with 500 in the same shape, hiding the detail', async () => {
    const response = await build().inject({ method: 'POST', url: '/api/crash', payload: {} });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: '/api/crash: Internal Server Error', duration: expect.any(Number) });
  });
});
