import type { FastifyInstance } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { WorkerApiError } from '../envelope.js';
import { unwrap } from '../replies.js';
import { requireTask, validateWorkerRequest } from '../validation.js';

/**
 * The calls a worker makes while it plays a task: `update_task` (cumulative stats after each
 * batch), `beat` (liveness only), `request_spsa` (the next SPSA step) and `failed_task`.
 */
export const registerTaskReports = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  app.post('/api/update_task', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    const task = requireTask(validated);
    const { stats, spsa } = validated.body;
    if (stats === undefined) throw new WorkerApiError(400, 'Missing stats');
    return unwrap(await deps.runs.updateTask({ ...task, stats, ...(spsa ? { spsa } : {}) }, validated.context));
  });

  app.post('/api/beat', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    return deps.runs.beat(requireTask(validated));
  });

  app.post('/api/request_spsa', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    return unwrap(await deps.runs.requestSpsa(requireTask(validated), validated.context));
  });

  app.post('/api/failed_task', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    const message = validated.body.message ?? '';
    return unwrap(await deps.runs.failTask({ ...requireTask(validated), message }, validated.context));
  });
};
