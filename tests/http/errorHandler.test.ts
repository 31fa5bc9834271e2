import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { z } from 'zod';
import { describeError, registerErrorHandling } from '../../src/http/plugins/errorHandler.js';
import { InvalidQueryError } from '../../src/stores/documents/errors.js';

describe('uniform error handling', () => {
  const build = () => {
    const app = Fastify();
    registerErrorHandling(app);
    app.post('/zod', async (request) => z.object({ n: z.number() }).parse(request.body));
    app.get('/query', async () => {
      throw new InvalidQueryError('field "x" is not queryable');
    });
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    return app;
  };

  it('maps client mistakes to 400 and hides server faults behind a generic 500', async () => {
    const app = build();
    const zod = await app.inject({ method: 'POST', url: '/zod', payload: { n: 'x' } });
    expect(zod.statusCode).toBe(400);
    expect(zod.json().error).toMatch(/^n: /);
    const notJson = await app.inject({
      method: 'POST',
      url: '/zod',
      headers: { 'content-type': 'application/json' },
      payload: '{oops',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toHaveProperty('error');
    const query = await app.inject({ method: 'GET', url: '/query' });
    expect(query.json()).toEqual({ statusCode: 400, error: 'field "x" is not queryable' });
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ statusCode: 500, error: 'Internal Server Error' });
    await app.close();
  });

  it('keeps 4xx statuses that Fastify assigns', () => {
    expect(describeError({ statusCode: 413, message: 'Request body is too large' })).toEqual({
      statusCode: 413,
      error: 'Request body is too large',
    });
  });
});
