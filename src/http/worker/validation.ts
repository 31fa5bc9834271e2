import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { EventContext } from '../../stores/events/port.js';
import { isRejection } from '../../domain/shared/decider.js';
import { storedWorkerInfo, workerName, type WorkerInfo } from '../../domain/shared/worker-info.js';
import type { Run, TaskState } from '../../domain/runs/state.js';
import { workerMessages } from '../../domain/runs/messages.js';
import { findOwnedTask } from '../../domain/tasks/task-ownership.js';
import type { WorkerApiDeps } from './deps.js';
import { WorkerApiError } from './envelope.js';
import { countryCode, remoteAddress } from './clientInfo.js';
import { credentialsSchema, workerRequestSchema, type WorkerRequest } from './schemas.js';

/**
 * Upstream's `validate_username_password`: the credentials' shape (400), then the account (401).
 * Checked before anything else, so a wrong password wins over every other mistake.
 */
export const authenticateWorker = async (request: FastifyRequest, deps: WorkerApiDeps): Promise<void> => {
  const credentials = credentialsSchema.parse(request.body);
  const result = await deps.authenticate(credentials.worker_info.username, credentials.password);
  if (!result.ok) throw new WorkerApiError(401, result.message);
};

export interface ValidatedRequest {
  readonly body: WorkerRequest;
  /** The worker info as stored on tasks: with `remote_addr` (the task's, for task requests) and `country_code`. */
  readonly worker: WorkerInfo;
  readonly run?: Run;
  readonly task?: TaskState;
  /** The client's address (X-Forwarded-For when trusted). */
  readonly clientIp: string;
  /** Metadata for the events this request causes. */
  readonly context: EventContext;
}

/**
 * Upstream's `validate_request`: authentication, the strict request schema, then the run and
 * task it names — "Invalid run_id", "Invalid task_id", and the task must be this worker's.
 */
export const validateWorkerRequest = async (request: FastifyRequest, deps: WorkerApiDeps): Promise<ValidatedRequest> => {
  await authenticateWorker(request, deps);
  const body = workerRequestSchema.parse(request.body);
  let run: Run | undefined;
  let task: TaskState | undefined;
  if (body.run_id !== undefined) {
    const state = await deps.runs.getRun(body.run_id);
    if (state.kind !== 'run') throw new WorkerApiError(400, workerMessages.invalidRunId(body.run_id));
    run = state;
    if (body.task_id !== undefined) {
      const found = findOwnedTask(state, body.run_id, body.task_id, body.worker_info);
      if (isRejection(found)) throw new WorkerApiError(400, found.message);
      task = found.task;
    }
  }
  return lazyParts(request, body, run, task);
};

/**
 * The worker info and event context, built on first use: a beat, most of the worker traffic, needs
 * neither. Getters rather than local helper functions: the loader names every function created per
 * call, which costs a beat measurably.
 */
const lazyParts = (request: FastifyRequest, body: WorkerRequest, run: Run | undefined, task: TaskState | undefined): ValidatedRequest => {
  let clientIp: string | undefined;
  let worker: WorkerInfo | undefined;
  let context: EventContext | undefined;
  return {
    body,
    ...(run ? { run } : {}),
    ...(task ? { task } : {}),
    get clientIp(): string {
      return (clientIp ??= remoteAddress(request));
    },
    get worker(): WorkerInfo {
      return (worker ??= storedWorkerInfo(body.worker_info, task?.workerInfo.remote_addr ?? this.clientIp, countryCode(request)));
    },
    get context(): EventContext {
      return (context ??= { actor: `worker:${workerName(this.worker)}`, correlationId: randomUUID(), clientIp: this.clientIp });
    },
  };
};

/** The run and task a task endpoint needs ("Missing run_id" / "Missing task_id" otherwise). */
export const requireTask = (validated: ValidatedRequest): { runId: string; taskId: number; worker: WorkerInfo } => {
  const { body } = validated;
  if (body.run_id === undefined) throw new WorkerApiError(400, 'Missing run_id');
  if (body.task_id === undefined) throw new WorkerApiError(400, 'Missing task_id');
  return {
    runId: body.run_id,
    taskId: body.task_id,
    get worker() {
      return validated.worker;
    },
  };
};
