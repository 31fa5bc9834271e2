import type { FastifyPluginAsync } from 'fastify';
import type { OpenApiRegistry } from '../public/openapi.js';
import type { WorkerApiDeps } from './deps.js';
import { WORKER_PROTOCOL_PATHS } from './deps.js';
import { registerWorkerEnvelope, WorkerApiError } from './envelope.js';
import { registerWorkerApiDocs } from './openApi.js';
import { registerDownloads } from './routes/downloads.js';
import { registerRequestTask } from './routes/requestTask.js';
import { registerRequestVersion } from './routes/requestVersion.js';
import { registerStopRun } from './routes/stopRun.js';
import { registerTaskReports } from './routes/taskReports.js';
import { registerUploadPgn } from './routes/uploadPgn.js';
import { registerWorkerLog } from './routes/workerLog.js';

export interface WorkerApiOptions {
  /** Where the routes describe themselves (the document of `GET /api/docs`). */
  openApi?: OpenApiRegistry;
}

/**
 * The worker protocol (the nine POST endpoints of the unmodified Fishtest worker) and the
 * downloads it and its users make, under one envelope: every reply carries `duration`, errors
 * are `{"error": "<path>: <message>"}`.
 */
export const workerApi =
  (deps: WorkerApiDeps, options: WorkerApiOptions = {}): FastifyPluginAsync =>
  async (app) => {
    if (options.openApi) registerWorkerApiDocs(options.openApi);
    registerWorkerEnvelope(app);
    registerDownloads(app, deps);
    if (deps.serveProtocol === false) {
      for (const path of WORKER_PROTOCOL_PATHS) {
        app.post(path, async () => {
          throw new WorkerApiError(503, 'primary instance required');
        });
      }
      return;
    }
    registerRequestVersion(app, deps);
    registerRequestTask(app, deps);
    registerTaskReports(app, deps);
    registerStopRun(app, deps);
    registerUploadPgn(app, deps);
    registerWorkerLog(app, deps);
  };
