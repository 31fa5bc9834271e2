import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenApiRegistry, type OpenApiDocument } from '../../../src/http/public/index.js';
import { startPublicApp, type PublicApp } from './support/publicApp.js';

const PUBLIC_OPERATIONS = [
  ['get', '/api/active_runs'],
  ['get', '/api/finished_runs'],
  ['get', '/api/get_run/{id}'],
  ['get', '/api/get_elo/{id}'],
  ['get', '/api/get_task/{id}/{task}'],
  ['get', '/api/calc_elo'],
  ['post', '/api/actions'],
  ['get', '/api/actions'],
  ['get', '/api/docs'],
] as const;

describe('GET /api/docs (OpenAPI)', () => {
  const registry = createOpenApiRegistry();
  let api: PublicApp;
  beforeAll(async () => {
    api = await startPublicApp({ openApi: registry });
  }, 30_000);
  afterAll(async () => {
    await api.close();
  });

  const document = async (): Promise<OpenApiDocument> => {
    const response = await api.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    return response.json() as OpenApiDocument;
  };
  type Operation = {
    parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
    responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }>;
    requestBody?: unknown;
  };
  const operation = (doc: OpenApiDocument, method: string, path: string) => doc.paths[path]?.[method] as Operation;

  it('describes every public route, generated from the zod schemas', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.0.3');
    for (const [method, path] of PUBLIC_OPERATIONS) expect(doc.paths[path], `${method} ${path}`).toHaveProperty(method);
    const finished = operation(doc, 'get', '/api/finished_runs');
    expect(finished.parameters.map((p) => p.name)).toEqual(['page', 'username', 'success_only', 'yellow_only', 'ltc_only', 'timestamp']);
    expect(finished.parameters.find((p) => p.name === 'success_only')?.schema).toMatchObject({
      enum: expect.arrayContaining(['true', '1', 'false', '0', '']),
    });
    expect(finished.responses['400']?.content?.['application/json'].schema).toMatchObject({ required: ['error', 'statusCode'] });
    const getRun = operation(doc, 'get', '/api/get_run/{id}');
    expect(getRun.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(getRun.responses['200']?.content?.['application/json'].schema).toMatchObject({
      type: 'object',
      properties: expect.objectContaining({ _id: { type: 'string' }, tasks: expect.any(Object), results: expect.any(Object) }),
    });
    expect(operation(doc, 'post', '/api/actions').requestBody).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('lets other route plugins add their operations to the same document', async () => {
    registry.add({
      method: 'post',
      path: '/api/request_version',
      summary: 'Worker protocol version',
      tags: ['worker'],
      body: z.object({ password: z.string(), worker_info: z.object({ username: z.string() }) }),
      responses: { 200: { description: 'The version', schema: z.object({ version: z.number().int(), duration: z.number() }) } },
    });
    const doc = await document();
    expect(operation(doc, 'post', '/api/request_version')).toMatchObject({ summary: 'Worker protocol version', tags: ['worker'] });
    expect(() => registry.add({ method: 'get', path: '/api/active_runs', summary: 'again', responses: {} })).toThrow(/added twice/);
  });
});
