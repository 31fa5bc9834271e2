/**
 * Stream `worker-<short worker name>`: what concerns a worker machine rather than a run.
 * `WorkerBlocked` / `WorkerUnblocked` (written by the operator CLI) carry an optional `message` for
 * the banner, `by` and `at`; `WorkerLogged` is a worker_log sent without a run.
 */
export const WORKER_STREAM_PREFIX = 'worker-';

export const workerStreamName = (shortName: string): string => `${WORKER_STREAM_PREFIX}${shortName}`;
