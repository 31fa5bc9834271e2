import type { FastifyInstance } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { unwrap } from '../replies.js';
import { requireTask, validateWorkerRequest } from '../validation.js';

/**
 * `POST /api/stop_run`: the worker found the run itself broken (wrong bench, engine errors).
 * Users with at least 1000 CPU hours stop (and fail) the run; for others only the task stops
 * and the reply is 401 "too few games".
 */
export const registerStopRun = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  app.post('/api/stop_run', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    const message = validated.body.message ?? '';
    return unwrap(await deps.runs.stopRunFromWorker({ ...requireTask(validated), message }, validated.context));
  });
};
