import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { OpenApiDocument } from '../../../src/http/public/index.js';
import { WORKER_PROTOCOL_PATHS } from '../../../src/http/worker/deps.js';
import { requestTaskReply, taskAliveReply, versionReply, workerErrorReply } from '../../../src/http/worker/replySchemas.js';
import { workerInfoSchema, workerRequestSchema } from '../../../src/http/worker/schemas.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';
import { fixedGamesArgs } from '../../support/runArgs.js';
import { storedWorkerInfo, wireWorkerInfo } from '../../support/workers.js';

type Json = Record<string, unknown>;

const DOWNLOADS = ['/api/nn/{name}', '/api/pgn/{id}.pgn', '/api/run_pgns/{id}.pgn.gz'] as const;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const PASSWORD = 'docs-secret-1';

/** Every `$ref` in the document, with where it was found. */
const refsIn = (value: unknown, at = '#'): { ref: string; at: string }[] => {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [{ ref: item, at }] : refsIn(item, `${at}/${key}`),
  );
};

/** Follows a local reference (`#/components/schemas/X`) through the document. */
const resolvePointer = (doc: OpenApiDocument, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Json)[part] : undefined), doc);

/** A schema with its top-level `$ref` followed (once is enough for these documents, checked below). */
const deref = (doc: OpenApiDocument, schema: Json): Json =>
  typeof schema.$ref === 'string' ? deref(doc, resolvePointer(doc, schema.$ref) as Json) : schema;

describe('GET /api/docs describes the worker API', () => {
  let api: WorkerApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    api = await startWorkerApp();
    await api.registerUser('worker', PASSWORD);
    const response = await api.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    doc = response.json() as OpenApiDocument;
  }, 30_000);
  afterAll(async () => {
    await api.close();
  });

  const operation = (method: string, path: string): Json => {
    const found = doc.paths[path]?.[method];
    expect(found, `${method.toUpperCase()} ${path}`).toBeDefined();
    return found as Json;
  };
  const bodySchema = (path: string): Json => {
    const body = operation('post', path).requestBody as { required: boolean; content: Record<string, { schema: Json }> };
    expect(body.required, path).toBe(true);
    const schema = body.content['application/json']?.schema;
    expect(schema, path).toBeDefined();
    return deref(doc, schema!);
  };
  const replySchema = (method: string, path: string, status: number, mediaType = 'application/json'): Json => {
    const responses = operation(method, path).responses as Record<string, { content?: Record<string, { schema: Json }> }>;
    const schema = responses[String(status)]?.content?.[mediaType]?.schema;
    expect(schema, `${path} ${status}`).toBeDefined();
    return schema!;
  };

  it('lists the nine protocol calls and the three downloads next to the public routes', () => {
    for (const path of WORKER_PROTOCOL_PATHS) expect(operation('post', path).tags).toEqual(['worker']);
    for (const path of DOWNLOADS) expect(operation('get', path).tags).toEqual(['worker']);
    expect(doc.paths).toHaveProperty(['/api/get_run/{id}', 'get']);
    expect(doc.paths).toHaveProperty(['/api/docs', 'get']);
  });

  it('gives every protocol call but request_version the strict request schema the routes validate with', () => {
    const shape = Object.keys(workerRequestSchema.shape);
    for (const path of WORKER_PROTOCOL_PATHS.filter((p) => p !== '/api/request_version')) {
      const body = bodySchema(path);
      expect(body.additionalProperties, path).toBe(false);
      expect(Object.keys(body.properties as Json).sort(), path).toEqual([...shape].sort());
      expect(body.required, path).toEqual(['password', 'worker_info']);
    }
    const workerInfo = deref(doc, (bodySchema('/api/update_task').properties as Record<string, Json>).worker_info!);
    const keys = Object.keys(workerInfoSchema.shape);
    expect(keys).toHaveLength(16);
    expect(workerInfo.additionalProperties).toBe(false);
    expect([...(workerInfo.required as string[])].sort()).toEqual([...keys].sort());
    const properties = workerInfo.properties as Record<string, Json>;
    expect(properties.worker_arch?.enum).toContain('unknown');
    expect(properties.unique_key).toMatchObject({ type: 'string', pattern: expect.stringContaining('[a-f0-9]{12}') });
    expect(properties.compiler?.enum).toEqual(expect.arrayContaining(['g++', 'clang++']));
    const stats = (bodySchema('/api/update_task').properties as Record<string, Json>).stats!;
    expect(stats).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['pentanomial', 'time_losses']) });
  });

  it('gives request_version only the credentials, which let other keys through', () => {
    const body = bodySchema('/api/request_version');
    expect(body.required).toEqual(['password', 'worker_info']);
    expect(body.additionalProperties).not.toBe(false);
    expect((body.properties as Record<string, Json>).worker_info).toMatchObject({ required: ['username'] });
  });

  it('describes the replies: soft outcomes inside 200, refusals in the error envelope', () => {
    const beatOk = deref(doc, replySchema('post', '/api/beat', 200));
    expect(beatOk).toMatchObject({ required: expect.arrayContaining(['task_alive', 'duration']) });
    expect(Object.keys(beatOk.properties as Json)).toEqual(expect.arrayContaining(['error', 'info']));
    const requestTask = replySchema('post', '/api/request_task', 200);
    const alternatives = (requestTask.anyOf as Json[]).map((schema) => deref(doc, schema));
    expect(alternatives.map((schema) => (schema.required as string[]).includes('task_waiting'))).toEqual([false, true]);
    expect(deref(doc, replySchema('post', '/api/request_version', 200))).toMatchObject({ required: ['version', 'duration'] });
    for (const path of WORKER_PROTOCOL_PATHS) {
      for (const status of [400, 401, 503]) {
        expect(deref(doc, replySchema('post', path, status)), `${path} ${status}`).toMatchObject({
          type: 'object',
          required: ['error', 'duration'],
        });
      }
    }
    for (const path of DOWNLOADS) {
      expect(replySchema('get', path, 200, path.startsWith('/api/nn/') ? 'application/octet-stream' : 'application/gzip')).toEqual({
        type: 'string',
        format: 'binary',
      });
      expect(deref(doc, replySchema('get', path, 404))).toMatchObject({ required: ['error', 'duration'] });
    }
    expect(operation('get', '/api/nn/{name}').responses).toHaveProperty('302');
  });

  it('is a well-formed OpenAPI 3 document: every reference resolves, every path parameter is declared', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"definitions"');
    expect(text).not.toContain('"$defs"');
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const { ref, at } of refs) {
      expect(ref, at).toMatch(/^#\/components\/schemas\/[A-Za-z0-9._-]+$/);
      expect(resolvePointer(doc, ref), `${ref} at ${at}`).toEqual(expect.any(Object));
    }
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(schema).toEqual(expect.any(Object));
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, value] of Object.entries(item)) {
        expect(METHODS.has(method), `${method} ${path}`).toBe(true);
        const op = value as { parameters: { name: string; in: string; required: boolean }[]; responses: Json };
        const inPath = op.parameters.filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...templated].sort());
        expect(inPath.every((p) => p.required)).toBe(true);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect((response as Json).description, `${method} ${path} ${status}`).toEqual(expect.any(String));
        }
      }
    }
  });

  it('documents what the routes really answer', async () => {
    const post = async (path: string, payload: Json) => {
      const response = await api.app.inject({ method: 'POST', url: path, payload });
      return { status: response.statusCode, body: response.json() as unknown };
    };
    const conforms = (schema: z.ZodType, body: unknown) => expect(schema.safeParse(body).error).toBeUndefined();

    const version = await post('/api/request_version', { password: PASSWORD, worker_info: { username: 'worker' } });
    expect(version.status).toBe(200);
    conforms(versionReply, version.body);

    const noTask = await post('/api/request_task', { password: PASSWORD, worker_info: wireWorkerInfo() });
    expect(noTask.status).toBe(200);
    conforms(requestTaskReply, noTask.body);

    const wrongPassword = await post('/api/beat', { password: 'wrong', worker_info: wireWorkerInfo() });
    expect(wrongPassword.status).toBe(401);
    conforms(workerErrorReply, wrongPassword.body);

    const strayKey = await post('/api/beat', { password: PASSWORD, worker_info: wireWorkerInfo(1, { extra: 1 }) });
    expect(strayKey.status).toBe(400);
    conforms(workerErrorReply, strayKey.body);

    const runId = await api.seedRun(fixedGamesArgs());
    const taskId = await api.seedTask(runId, storedWorkerInfo());
    const beat = await post('/api/beat', { password: PASSWORD, worker_info: wireWorkerInfo(), run_id: runId, task_id: taskId });
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ task_alive: true });
    conforms(taskAliveReply, beat.body);
  });
});
