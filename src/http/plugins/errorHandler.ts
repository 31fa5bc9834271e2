import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { InvalidQueryError } from '../../stores/documents/errors.js';

export interface ErrorBody {
  error: string;
  statusCode: number;
}

/** Maps a thrown error to a status and a message safe to show the client. */
export const describeError = (err: unknown): ErrorBody => {
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { statusCode: 400, error: `${where}${issue?.message ?? 'invalid input'}` };
  }
  if (err instanceof InvalidQueryError) return { statusCode: 400, error: err.message };
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.validation) return { statusCode: 400, error: fastifyError.message ?? 'invalid input' };
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, error: fastifyError.message ?? 'bad request' };
  }
  return { statusCode: 500, error: 'Internal Server Error' };
};

/** One JSON error shape for every route that does not speak a protocol of its own. */
export const registerErrorHandling = (app: FastifyInstance): void => {
  app.setErrorHandler((err, request, reply) => {
    const body = describeError(err);
    if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ err: { message: body.error } }, 'request rejected');
    return reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: `Route ${request.method} ${request.url} not found`, statusCode: 404 }),
  );
};
