import type { EnvelopeError } from '../../domain/tasks/replies.js';
import { WorkerApiError } from './envelope.js';

/** A domain reply, or its envelope error thrown so the envelope answers with the status and the path prefix. */
export const unwrap = <Reply extends object>(reply: Reply | EnvelopeError): Reply => {
  if ('envelope' in reply) throw new WorkerApiError(reply.status, reply.error);
  return reply;
};
