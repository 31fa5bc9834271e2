import { z } from 'zod';

/*
 * An OpenAPI 3 document built from the zod schemas the routes validate with. Route plugins add
 * their operations to a registry; `GET /api/docs` serves the document as it is at request time,
 * so a plugin registered later (the worker API) appears as soon as it adds its operations.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

export interface ApiResponse {
  description: string;
  schema?: z.ZodType;
  headers?: Record<string, { description: string }>;
}

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template: `/api/get_run/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  /** An object schema of the path parameters. */
  params?: z.ZodObject;
  /** An object schema of the query parameters. */
  query?: z.ZodObject;
  /** The JSON request body. */
  body?: z.ZodType;
  /** By status code. */
  responses: Readonly<Record<number, ApiResponse>>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
}

export interface OpenApiRegistry {
  /** Adds an operation; the same method and path twice is a programming error. */
  add(operation: ApiOperation): void;
  operations(): readonly ApiOperation[];
  document(): OpenApiDocument;
}

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const parametersOf = (schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] => {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
};

const operationObject = (operation: ApiOperation): JsonSchema => ({
  summary: operation.summary,
  ...(operation.description ? { description: operation.description } : {}),
  ...(operation.tags ? { tags: [...operation.tags] } : {}),
  parameters: [...parametersOf(operation.params, 'path'), ...parametersOf(operation.query, 'query')],
  ...(operation.body
    ? { requestBody: { required: false, content: { 'application/json': { schema: toSchema(operation.body, 'input') } } } }
    : {}),
  responses: Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, h]) => [name, { description: h.description, schema: { type: 'string' } }])) } : {}),
        ...(response.schema ? { content: { 'application/json': { schema: toSchema(response.schema, 'output') } } } : {}),
      },
    ]),
  ),
});

export const createOpenApiRegistry = (info: OpenApiDocument['info'] = { title: 'fishtest-es API', version: '1' }): OpenApiRegistry => {
  const added: ApiOperation[] = [];
  return {
    add(operation) {
      if (added.some((other) => other.method === operation.method && other.path === operation.path)) {
        throw new Error(`OpenAPI operation ${operation.method.toUpperCase()} ${operation.path} added twice`);
      }
      added.push(operation);
    },
    operations: () => [...added],
    document() {
      const paths: OpenApiDocument['paths'] = {};
      for (const operation of added) {
        paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
      }
      return { openapi: '3.0.3', info, paths };
    },
  };
};
