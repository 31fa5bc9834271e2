export { createRunService } from './runService.js';
export type { Caller, EmptyReply, ModifyFields, RunService, RunServiceOptions, SpsaReply, TaskRequestRef } from './runService.js';
export type { NoTaskReply, RequestTaskReply, TaskRequestInput } from './scheduler.js';
export type { RunSpeed } from './periodicJobs.js';
export type { Clock } from './clock.js';
export { isRunId, newRunId } from './runIds.js';
export { nameBasedUuid, updateTaskEventIds } from './eventIds.js';
export { WORKER_STREAM_PREFIX, workerStreamName } from './workerStreams.js';
