import type { FastifyReply } from 'fastify';

/** Upstream lets any page read runs and the audit log from a browser (`/api/get_run`, `/api/actions`). */
export const allowAnyOrigin = (reply: FastifyReply): FastifyReply =>
  reply.header('access-control-allow-origin', '*').header('access-control-allow-headers', 'content-type');
