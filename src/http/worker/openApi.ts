import type { ApiResponse, OpenApiRegistry } from '../public/openapi.js';
import type { WORKER_PROTOCOL_PATHS } from './deps.js';
import {
  emptyReply,
  failedTaskReply,
  requestSpsaReply,
  requestTaskReply,
  taskAliveReply,
  versionReply,
  workerErrorReply,
} from './replySchemas.js';
import { downloadParams } from './routes/downloads.js';
import { credentialsSchema, workerRequestSchema } from './schemas.js';

type WorkerPath = (typeof WORKER_PROTOCOL_PATHS)[number];

const TAGS = ['worker'] as const;

const refusal = (description: string): ApiResponse => ({ description, schema: workerErrorReply });

/** The refusals every protocol call can meet, before and besides the endpoint's own. */
const envelopeRefusals = {
  400: refusal('Not a JSON object, a body the schema refuses, an unknown run or task, a task of another worker, or a missing field the endpoint needs'),
  401: refusal('Invalid username or password, a blocked account, or one pending approval'),
  500: refusal('A fault of the server'),
  503: refusal('This process is not the primary ("primary instance required")'),
} as const satisfies Record<number, ApiResponse>;

interface ProtocolCall {
  path: WorkerPath;
  summary: string;
  /** Which optional fields of the request this call needs. */
  needs: string;
  ok: ApiResponse;
  refusals?: Record<number, ApiResponse>;
}

const PROTOCOL_CALLS: readonly ProtocolCall[] = [
  {
    path: '/api/request_task',
    summary: 'A task of the best run for this worker',
    needs: 'The full `worker_info`.',
    ok: { description: 'A task, or `task_waiting: false` with `error` or `info`', schema: requestTaskReply },
  },
  {
    path: '/api/update_task',
    summary: "The task's cumulative results after a batch",
    needs: '`run_id`, `task_id`, `stats` (cumulative for the task), and `spsa` (the batch) for SPSA runs.',
    ok: { description: 'Whether to go on; `error` when the update stopped the task, `info` for an inactive task', schema: taskAliveReply },
  },
  {
    path: '/api/beat',
    summary: 'The worker is alive and playing the task',
    needs: '`run_id`, `task_id`.',
    ok: { description: 'Whether the task is still active', schema: taskAliveReply },
  },
  {
    path: '/api/request_spsa',
    summary: 'The next SPSA step of the task',
    needs: '`run_id`, `task_id` (the worker also sends its last `stats`).',
    ok: { description: 'The step, or `task_alive: false` with `info` for an inactive task', schema: requestSpsaReply },
  },
  {
    path: '/api/failed_task',
    summary: 'The worker gives the task up',
    needs: '`run_id`, `task_id`, `message`.',
    ok: { description: '`{}` once failed, or `task_alive: false` with `info` for an inactive task', schema: failedTaskReply },
  },
  {
    path: '/api/stop_run',
    summary: 'The worker found the run itself broken',
    needs: '`run_id`, `task_id`, `message`. Only users with enough CPU hours stop the run; for others only the task stops.',
    ok: { description: 'The run is stopped', schema: emptyReply },
    refusals: { 401: refusal('Bad credentials, "User <u> has too few games to stop a run" (the task still stopped), or "Run <id> is already finished"') },
  },
  {
    path: '/api/upload_pgn',
    summary: "The task's games",
    needs: '`run_id`, `task_id`, `pgn`: base64 of one complete gzip file.',
    ok: { description: 'Stored', schema: emptyReply },
    refusals: { 400: refusal('As any call, or the pgn content is missing, not base64 or not a complete gzip file') },
  },
  {
    path: '/api/worker_log',
    summary: 'A warning the worker wants on record',
    needs: '`message`; `run_id` and `task_id` together when it is about a task.',
    ok: { description: 'Recorded', schema: emptyReply },
  },
];

const downloadNotFound = { 404: refusal('"No data found"') };

/**
 * Describes the worker API in the OpenAPI document: the request bodies are the schemas the
 * routes validate with, the replies those of `replySchemas.ts`.
 */
export const registerWorkerApiDocs = (openApi: OpenApiRegistry): void => {
  openApi.add({
    method: 'post',
    path: '/api/request_version',
    summary: 'The worker protocol version this server speaks',
    description: 'Only the credentials are checked, so that old workers can still upgrade.',
    tags: TAGS,
    body: credentialsSchema,
    bodyRequired: true,
    responses: {
      200: { description: 'The version', schema: versionReply },
      400: envelopeRefusals[400],
      401: envelopeRefusals[401],
      503: refusal(
        'This process is not the primary; or the credentials could not be checked, answered in plain text so that the worker retries instead of quitting',
      ),
    },
  });

  for (const call of PROTOCOL_CALLS) {
    openApi.add({
      method: 'post',
      path: call.path,
      summary: call.summary,
      description: `Needs ${call.needs}`,
      tags: TAGS,
      body: workerRequestSchema,
      bodyRequired: true,
      responses: { 200: call.ok, ...envelopeRefusals, ...call.refusals },
    });
  }

  openApi.add({
    method: 'get',
    path: '/api/nn/{name}',
    summary: 'A network file (each download is counted)',
    tags: TAGS,
    params: downloadParams.network,
    responses: {
      200: { description: 'The file', mediaType: 'application/octet-stream', binary: true },
      302: { description: 'To the network host, when one is configured', headers: { Location: { description: 'Where the file is' } } },
      ...downloadNotFound,
    },
  });
  openApi.add({
    method: 'get',
    path: '/api/pgn/{id}.pgn',
    summary: "One task's games",
    description: 'The gzip file as uploaded, sent with `Content-Encoding: gzip`.',
    tags: TAGS,
    params: downloadParams.pgn,
    responses: { 200: { description: 'The PGN', mediaType: 'application/gzip', binary: true }, ...downloadNotFound },
  });
  openApi.add({
    method: 'get',
    path: '/api/run_pgns/{id}.pgn.gz',
    summary: 'All the games of a run, in task order',
    tags: TAGS,
    params: downloadParams.runPgns,
    responses: { 200: { description: 'One gzip file', mediaType: 'application/gzip', binary: true }, ...downloadNotFound },
  });
};
