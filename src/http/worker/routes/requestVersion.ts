import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { WorkerApiDeps } from '../deps.js';
import { WORKER_VERSION } from '../deps.js';
import { WorkerApiError } from '../envelope.js';
import { authenticateWorker } from '../validation.js';

/**
 * `POST /api/request_version`: credentials only, so that old workers can still upgrade. A
 * reply with `error` makes the worker quit for good, so a fault of ours (a store that does not
 * answer) gets a plain-text 503 instead: the worker reads it as a network failure and retries.
 */
export const registerRequestVersion = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  app.post('/api/request_version', async (request, reply) => {
    try {
      await authenticateWorker(request, deps);
    } catch (err) {
      if (err instanceof WorkerApiError || err instanceof ZodError) throw err;
      request.log.error({ err }, 'request_version could not check the credentials');
      return reply.status(503).type('text/plain; charset=utf-8').send('request_version: temporarily unavailable, retry later');
    }
    return { version: WORKER_VERSION };
  });
};
