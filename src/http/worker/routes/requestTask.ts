import type { FastifyInstance } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { hostUrl } from '../clientInfo.js';
import { validateWorkerRequest } from '../validation.js';

/**
 * `POST /api/request_task`: a task of the best run for this worker, or `{task_waiting: false}`
 * (with `error` for a blocked worker, a duplicate live worker name or the machine limit, with
 * `info` when too busy or when the run filled up meanwhile).
 */
export const registerRequestTask = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  app.post('/api/request_task', async (request) => {
    const { worker, context } = await validateWorkerRequest(request, deps);
    return deps.runs.requestTask({ worker, hostUrl: hostUrl(request), context });
  });
};
