import { z } from 'zod';

/*
 * An OpenAPI 3 document built from the zod schemas the routes validate with. Route plugins add
 * their operations to a registry; `GET /api/docs` serves the document as it is at request time,
 * so a plugin registered later (the worker API) appears as soon as it adds its operations.
 * A schema given an id (`.meta({ id })`) becomes one entry of `components.schemas`, referenced
 * wherever it is used.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

export interface ApiResponse {
  description: string;
  schema?: z.ZodType;
  /** The media type of the content (default JSON). */
  mediaType?: string;
  /** The content is raw bytes of `mediaType` (a download), not described by a schema. */
  binary?: boolean;
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
  /** Whether the body is required (default false: the public routes accept none). */
  bodyRequired?: boolean;
  /** By status code. */
  responses: Readonly<Record<number, ApiResponse>>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas: Record<string, unknown> };
}

export interface OpenApiRegistry {
  /** Adds an operation; the same method and path twice is a programming error. */
  add(operation: ApiOperation): void;
  operations(): readonly ApiOperation[];
  document(): OpenApiDocument;
}

type JsonSchema = Record<string, unknown>;

type Io = 'input' | 'output';

/** Named schemas met while one document is built, in the form each direction uses. */
type Components = Map<string, { input?: JsonSchema; output?: JsonSchema }>;

const COMPONENTS_PREFIX = '#/components/schemas/';
const ZOD_DEFINITION = /^#\/(?:definitions|\$defs)\/(.+)$/;

const mapRefs = (value: unknown, rename: (ref: string) => string): unknown => {
  if (Array.isArray(value)) return value.map((item) => mapRefs(item, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' ? rename(item) : mapRefs(item, rename)]),
  );
};

/** Until the document is complete, a reference says which form it means: `<prefix><id>~<io>`. */
const provisionalRef = (io: Io) => (ref: string) => {
  const id = ZOD_DEFINITION.exec(ref)?.[1];
  return id === undefined ? ref : `${COMPONENTS_PREFIX}${id}~${io}`;
};

const toSchema = (schema: z.ZodType, io: Io, components: Components): JsonSchema => {
  const converted = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, definitions, $defs, ...rest } = converted;
  const defined = { ...(definitions as Record<string, JsonSchema> | undefined), ...($defs as Record<string, JsonSchema> | undefined) };
  for (const [id, definition] of Object.entries(defined)) {
    const forms = components.get(id) ?? {};
    const form = mapRefs(definition, provisionalRef(io)) as JsonSchema;
    const known = forms[io];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(form)) {
      throw new Error(`OpenAPI component ${id} has two different definitions`);
    }
    components.set(id, { ...forms, [io]: form });
  }
  return mapRefs(rest, provisionalRef(io)) as JsonSchema;
};

const refsOf = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => (key === '$ref' && typeof item === 'string' ? [item] : refsOf(item)));
};

const PROVISIONAL = /^#\/components\/schemas\/(.+)~(input|output)$/;

/**
 * The final names: one per id, unless the input form differs from the output form (a transform,
 * an object the output form closes, or a part that differs), then the input form is `<id>_input`.
 */
const nameComponents = (components: Components) => {
  const sameForm = (ref: string) => ref.replace(/~(?:input|output)$/, '');
  const apart = new Set<string>();
  for (const [id, { input, output }] of components) {
    if (input !== undefined && output !== undefined && JSON.stringify(mapRefs(input, sameForm)) !== JSON.stringify(mapRefs(output, sameForm))) {
      apart.add(id);
    }
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, { input, output }] of components) {
      if (apart.has(id) || input === undefined || output === undefined) continue;
      if (refsOf(input).some((ref) => apart.has(PROVISIONAL.exec(ref)?.[1] ?? ''))) {
        apart.add(id);
        grew = true;
      }
    }
  }
  const rename = (ref: string) => {
    const match = PROVISIONAL.exec(ref);
    if (!match) return ref;
    const [, id = '', io] = match;
    return `${COMPONENTS_PREFIX}${io === 'input' && apart.has(id) ? `${id}_input` : id}`;
  };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, { input, output }] of [...components].sort(([a], [b]) => a.localeCompare(b))) {
    if (output !== undefined) schemas[id] = mapRefs(output, rename) as JsonSchema;
    if (input !== undefined) schemas[apart.has(id) ? `${id}_input` : id] ??= mapRefs(input, rename) as JsonSchema;
  }
  return { schemas, rename };
};

const parametersOf = (schema: z.ZodObject | undefined, where: 'path' | 'query', components: Components): JsonSchema[] => {
  if (!schema) return [];
  const json = toSchema(schema, 'input', components);
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

const contentOf = (response: ApiResponse, components: Components): JsonSchema | undefined => {
  const mediaType = response.mediaType ?? 'application/json';
  if (response.binary) return { [mediaType]: { schema: { type: 'string', format: 'binary' } } };
  if (response.schema) return { [mediaType]: { schema: toSchema(response.schema, 'output', components) } };
  return undefined;
};

const operationObject = (operation: ApiOperation, components: Components): JsonSchema => ({
  summary: operation.summary,
  ...(operation.description ? { description: operation.description } : {}),
  ...(operation.tags ? { tags: [...operation.tags] } : {}),
  parameters: [...parametersOf(operation.params, 'path', components), ...parametersOf(operation.query, 'query', components)],
  ...(operation.body
    ? {
        requestBody: {
          required: operation.bodyRequired ?? false,
          content: { 'application/json': { schema: toSchema(operation.body, 'input', components) } },
        },
      }
    : {}),
  responses: Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => {
      const content = contentOf(response, components);
      return [
        status,
        {
          description: response.description,
          ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, h]) => [name, { description: h.description, schema: { type: 'string' } }])) } : {}),
          ...(content ? { content } : {}),
        },
      ];
    }),
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
      const components: Components = new Map();
      for (const operation of added) {
        paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation, components) };
      }
      if (components.size === 0) return { openapi: '3.0.3', info, paths };
      const { schemas, rename } = nameComponents(components);
      return { openapi: '3.0.3', info, paths: mapRefs(paths, rename) as OpenApiDocument['paths'], components: { schemas } };
    },
  };
};
