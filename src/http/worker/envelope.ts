import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';

/**
 * The worker protocol's envelope: every reply is a JSON object with `duration` (seconds), errors are
 * `{"error": "<path>: <message>"}`. The unmodified worker crashes on a reply without `duration`.
 */

/** A refusal the worker protocol reports with a status: 400 for bad requests, 401 for credentials. */
export class WorkerApiError extends Error {
  override readonly name = 'WorkerApiError';
  constructor(
    readonly statusCode: 400 | 401 | 404 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

const startedAt = new WeakMap<FastifyRequest, bigint>();

export const durationOf = (request: FastifyRequest): number => {
  const start = startedAt.get(request);
  return start === undefined ? 0 : Number(process.hrtime.bigint() - start) / 1e9;
};

const pathOf = (request: FastifyRequest): string => request.url.split('?', 1)[0] ?? request.url;

const zodMessage = (error: ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
};

export const errorReply = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
  reply.status(status).send({ error: `${pathOf(request)}: ${message}`, duration: durationOf(request) });

/** Registers the envelope on the (encapsulated) plugin holding the worker routes. */
export const registerWorkerEnvelope = (app: FastifyInstance): void => {
  app.addHook('onRequest', async (request) => {
    startedAt.set(request, process.hrtime.bigint());
  });
  // Only JSON objects are requests: plain text, forms and JSON scalars are not.
  app.removeContentTypeParser(['text/plain']);
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return;
    const body: unknown = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WorkerApiError(400, 'request is not json encoded');
    }
  });
  app.addHook('preSerialization', async (request, _reply, payload: unknown) => {
    if (payload && typeof payload === 'object' && !Array.isArray(payload) && !('duration' in payload)) {
      return { ...payload, duration: durationOf(request) };
    }
    return payload;
  });
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof WorkerApiError) return errorReply(request, reply, err.statusCode, err.message);
    if (err instanceof ZodError) return errorReply(request, reply, 400, zodMessage(err));
    const fastifyError = err as FastifyError;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorReply(request, reply, 400, 'request is too large');
    if (fastifyError.code?.startsWith('FST_ERR_CTP_') || err instanceof SyntaxError) {
      return errorReply(request, reply, 400, 'request is not json encoded');
    }
    if (fastifyError.validation) return errorReply(request, reply, 400, fastifyError.message);
    request.log.error({ err }, 'worker API request failed');
    return errorReply(request, reply, 500, 'Internal Server Error');
  });
};
