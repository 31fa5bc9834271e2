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

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when a worker-protocol request arrived; 0 outside the worker routes. */
    workerCallStartedAt: number;
  }
}

export const durationOf = (request: FastifyRequest): number =>
  request.workerCallStartedAt === 0 ? 0 : (performance.now() - request.workerCallStartedAt) / 1000;

const pathOf = (request: FastifyRequest): string => request.url.split('?', 1)[0] ?? request.url;

const zodMessage = (error: ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
};

export const errorReply = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
  reply.status(status).send({ error: `${pathOf(request)}: ${message}`, duration: durationOf(request) });

/**
 * Registers the envelope on the (encapsulated) plugin holding the worker routes. The hooks take a
 * callback rather than returning a promise: every worker call passes through all three, and a
 * promise per hook is a measurable share of a call that does little else.
 */
export const registerWorkerEnvelope = (app: FastifyInstance): void => {
  app.decorateRequest('workerCallStartedAt', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    request.workerCallStartedAt = performance.now();
    done();
  });
  // Only JSON objects are requests: plain text, forms and JSON scalars are not.
  app.removeContentTypeParser(['text/plain']);
  app.addHook('preValidation', (request, _reply, done) => {
    const body: unknown = request.body;
    if (request.method === 'POST' && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      done(new WorkerApiError(400, 'request is not json encoded'));
      return;
    }
    done();
  });
  app.addHook('preSerialization', (request, _reply, payload: unknown, done) => {
    if (payload && typeof payload === 'object' && !Array.isArray(payload) && !('duration' in payload)) {
      done(null, { ...payload, duration: durationOf(request) });
      return;
    }
    done(null, payload);
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
