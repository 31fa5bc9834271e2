import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { BLOB_NAMESPACES } from '../deps.js';
import { WorkerApiError } from '../envelope.js';
import { decodeBase64, isGzip } from '../pgnPayload.js';
import { unwrap } from '../replies.js';
import { splitStringMember } from '../stringMember.js';
import { requireTask, validateWorkerRequest } from '../validation.js';

/** A task's PGN is one gzip file; the worker sends it base64-encoded inside the JSON body. */
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

/**
 * `POST /api/upload_pgn`: the gzip bytes go to the blob store as they came, under
 * `pgn/<runId>-<taskId>`; the run's stream records PgnUploaded (size and blob key). Accepted for
 * inactive tasks too: the worker uploads after a failed task.
 */
/**
 * The body parser of this route: the PGN member skips the UTF-8 decoding and the JSON scan (see
 * splitStringMember); the rest of the body goes through Fastify's own JSON parser, with its
 * prototype-poisoning checks and its errors, as does a whole body the split does not take.
 */
type ParseDone = (error: Error | null, body?: unknown) => void;
type BodyParser<Body> = (request: FastifyRequest, body: Body, done: ParseDone) => void;

const uploadBodyParser = (app: FastifyInstance): BodyParser<Buffer> => {
  // Fastify's type also allows the promise form; the default JSON parser is the callback one.
  const parseJson = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  ) as BodyParser<string>;
  return (request, body, done) => {
    const split = splitStringMember(body, 'pgn');
    if (split === undefined) {
      parseJson(request, body.toString('utf8'), done);
      return;
    }
    parseJson(request, split.rest.toString('utf8'), (error, parsed) => {
      if (error) done(error, undefined);
      else done(null, { ...(parsed as Record<string, unknown>), pgn: split.value });
    });
  };
};

/**
 * `POST /api/upload_pgn`: the gzip bytes go to the blob store as they came, under
 * `pgn/<runId>-<taskId>`; the run's stream records PgnUploaded (size and blob key). Accepted for
 * inactive tasks too: the worker uploads after a failed task.
 */
export const registerUploadPgn = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, uploadBodyParser(scope));
    scope.post('/api/upload_pgn', { bodyLimit: MAX_UPLOAD_BYTES }, async (request) => {
      const validated = await validateWorkerRequest(request, deps);
      const task = requireTask(validated);
      const pgn = validated.body.pgn;
      if (pgn === undefined) throw new WorkerApiError(400, 'Missing pgn content');
      const bytes = decodeBase64(pgn);
      if (bytes === undefined) throw new WorkerApiError(400, 'the pgn content is not valid base64');
      if (!(await isGzip(bytes))) throw new WorkerApiError(400, 'the pgn content is not gzip data');
      const name = `${task.runId}-${task.taskId}`;
      const stored = await deps.blobs.put(bytes);
      await deps.blobs.setName(BLOB_NAMESPACES.pgn, name, stored.sha256, { runId: task.runId, taskId: task.taskId });
      return unwrap(await deps.runs.recordPgnUpload({ ...task, size: stored.size, blobId: stored.sha256 }, validated.context));
    });
  });
};
