import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenApiRegistry } from '../../../src/http/public/index.js';

type Json = Record<string, unknown>;

describe('OpenAPI registry: named schemas become components', () => {
  // Ids live in zod's global registry: unique per test run.
  const unique = (name: string) => `${name}${Math.random().toString(36).slice(2, 8)}`;

  it('puts a schema with an id in components.schemas once and references it from every use', () => {
    const name = unique('Point');
    const point = z.strictObject({ x: z.number(), y: z.number() }).meta({ id: name });
    const registry = createOpenApiRegistry();
    registry.add({ method: 'post', path: '/a', summary: 'a', body: z.object({ at: point }), bodyRequired: true, responses: { 200: { description: 'ok', schema: point } } });
    registry.add({ method: 'get', path: '/b', summary: 'b', responses: { 200: { description: 'ok', schema: z.array(point) } } });
    const doc = registry.document();
    const a = doc.paths['/a']?.post as { requestBody: { required: boolean; content: Record<string, { schema: Json }> }; responses: Record<string, { content: Record<string, { schema: Json }> }> };
    expect(a.requestBody.required).toBe(true);
    expect(a.requestBody.content['application/json']?.schema).toMatchObject({ properties: { at: { $ref: `#/components/schemas/${name}` } } });
    expect(a.responses['200']?.content['application/json']?.schema).toEqual({ $ref: `#/components/schemas/${name}` });
    expect(doc.components?.schemas).toEqual({ [name]: expect.objectContaining({ required: ['x', 'y'] }) });
    expect(JSON.stringify(doc)).not.toMatch(/definitions|\$defs/);
  });

  it('names the input form apart when it differs from the output form, whichever comes first', () => {
    const name = unique('Count');
    const count = z.object({ n: z.string().transform(Number) }).meta({ id: name });
    const holder = z.object({ count }).meta({ id: `${name}Holder` });
    const registry = createOpenApiRegistry();
    registry.add({ method: 'post', path: '/in', summary: 'in', body: holder, responses: { 200: { description: 'ok' } } });
    registry.add({ method: 'get', path: '/out', summary: 'out', responses: { 200: { description: 'ok', schema: holder } } });
    const doc = registry.document();
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas).sort()).toEqual([name, `${name}Holder`, `${name}Holder_input`, `${name}_input`]);
    expect(schemas[`${name}_input`]).toMatchObject({ properties: { n: { type: 'string' } } });
    expect(schemas[`${name}Holder_input`]).toMatchObject({ properties: { count: { $ref: `#/components/schemas/${name}_input` } } });
    expect(schemas[`${name}Holder`]).toMatchObject({ properties: { count: { $ref: `#/components/schemas/${name}` } } });
    expect(doc.paths['/in']?.post).toMatchObject({ requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Holder_input` } } } } });
    expect(doc.paths['/out']?.get).toMatchObject({ responses: { 200: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Holder` } } } } } });
  });

  it('keeps one component for a schema whose forms agree, even when it holds another named schema', () => {
    const name = unique('Leaf');
    const leaf = z.strictObject({ v: z.number() }).meta({ id: name });
    const tree = z.strictObject({ leaf }).meta({ id: `${name}Tree` });
    const registry = createOpenApiRegistry();
    registry.add({ method: 'post', path: '/t', summary: 't', body: tree, responses: { 200: { description: 'ok', schema: tree } } });
    const doc = registry.document();
    expect(Object.keys(doc.components?.schemas ?? {}).sort()).toEqual([name, `${name}Tree`]);
    expect(doc.components?.schemas[`${name}Tree`]).toMatchObject({ properties: { leaf: { $ref: `#/components/schemas/${name}` } } });
    expect(JSON.stringify(doc)).not.toContain('~');
  });

  it('describes a download as bytes of its media type and leaves documents without ids free of components', () => {
    const registry = createOpenApiRegistry();
    registry.add({ method: 'get', path: '/file', summary: 'file', responses: { 200: { description: 'bytes', mediaType: 'application/gzip', binary: true } } });
    const doc = registry.document();
    expect(doc.paths['/file']?.get).toMatchObject({ responses: { 200: { content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } } } });
    expect(doc).not.toHaveProperty('components');
  });
});
