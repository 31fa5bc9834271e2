import type { FastifyInstance } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { WorkerApiError } from '../envelope.js';
import { unwrap } from '../replies.js';
import { validateWorkerRequest } from '../validation.js';

/** `POST /api/worker_log`: a warning the worker wants on record (engine not responsive, …), with or without its task. */
export const registerWorkerLog = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  app.post('/api/worker_log', async (request) => {
    const validated = await validateWorkerRequest(request, deps);
    const { run_id: runId, task_id: taskId, message } = validated.body;
    if (message === undefined) throw new WorkerApiError(400, 'Missing message');
    if (runId !== undefined && taskId === undefined) throw new WorkerApiError(400, 'Missing task_id for worker_log run context');
    const task = runId !== undefined && taskId !== undefined ? { runId, taskId } : undefined;
    return unwrap(
      await deps.runs.logWorkerMessage({ worker: validated.worker, message, ...(task ? { task } : {}) }, validated.context),
    );
  });
};
