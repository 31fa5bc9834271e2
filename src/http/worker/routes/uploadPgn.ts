import type { FastifyInstance } from 'fastify';
import type { WorkerApiDeps } from '../deps.js';
import { BLOB_NAMESPACES } from '../deps.js';
import { WorkerApiError } from '../envelope.js';
import { decodeUploadedBase64, isGzip } from '../pgnPayload.js';
import { unwrap } from '../replies.js';
import { uploadBodyParser, uploadedPgnText } from '../uploadBodyParser.js';
import { requireTask, validateWorkerRequest } from '../validation.js';

/** A task's PGN is one gzip file; the worker sends it base64-encoded inside the JSON body. */
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

/**
 * `POST /api/upload_pgn`: the gzip bytes go to the blob store as they came, under
 * `pgn/<runId>-<taskId>`; the run's stream records PgnUploaded (size and blob key). Accepted for
 * inactive tasks too: the worker uploads after a failed task. The route has a scope of its own for
 * its JSON parser (uploadBodyParser.ts).
 */
export const registerUploadPgn = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, uploadBodyParser(scope));
    scope.post('/api/upload_pgn', { bodyLimit: MAX_UPLOAD_BYTES }, async (request) => {
      const validated = await validateWorkerRequest(request, deps);
      const task = requireTask(validated);
      const pgn = uploadedPgnText(request, validated.body.pgn);
      if (pgn === undefined) throw new WorkerApiError(400, 'Missing pgn content');
      const bytes = decodeUploadedBase64(pgn);
      if (bytes === undefined) throw new WorkerApiError(400, 'the pgn content is not valid base64');
      if (!(await isGzip(bytes))) throw new WorkerApiError(400, 'the pgn content is not gzip data');
      const name = `${task.runId}-${task.taskId}`;
      const stored = await deps.blobs.put(bytes);
      await deps.blobs.setName(BLOB_NAMESPACES.pgn, name, stored.sha256, { runId: task.runId, taskId: task.taskId });
      return unwrap(await deps.runs.recordPgnUpload({ ...task, size: stored.size, blobId: stored.sha256 }, validated.context));
    });
  });
};
