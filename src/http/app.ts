import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, disposeContainer } from '../container.js';
import { registerCloseDrainedConnections } from './plugins/closeDrainedConnections.js';
import { registerErrorHandling } from './plugins/errorHandler.js';
import { registerReplyCoalescing } from './plugins/replyCoalescing.js';
import { healthRoutes } from './routes/health.js';
import { workerApi } from './worker/plugin.js';
import { createOpenApiRegistry, publicApiRoutes } from './public/index.js';

export interface AppOptions {
  container: DependencyContainer;
  /** Close the stores when the app closes (the default); tests sharing stores may turn it off. */
  ownsContainer?: boolean;
}

/** Builds the HTTP application over a composed container; `close()` drains requests, then the stores. */
export const buildApp = async (options: AppOptions): Promise<FastifyInstance> => {
  const { container } = options;
  const logger = container.resolve(TOKENS.logger);
  const config = container.resolve(TOKENS.config);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 8 * 1024 * 1024,
    // While closing, requests already on an open connection are still answered (then the
    // connection closes). Fastify's 503 body has an `error` and no `duration`: a worker quits
    // for good on an error from request_version and crashes on a reply without a duration.
    return503OnClosing: false,
    trustProxy: config.trustProxy,
  });
  registerErrorHandling(app);
  registerReplyCoalescing(app);
  registerCloseDrainedConnections(app);
  const authenticator = container.resolve(TOKENS.authenticator);
  const runService = container.resolve(TOKENS.runService);
  app.addHook('onReady', async () => {
    await container.resolve(TOKENS.projectionEngine).start();
    await authenticator.ready();
    // Only the primary keeps the scheduler's index and runs the periodic jobs: the scavenger
    // must see the heartbeats, which live in the memory of the process that receives them.
    if (config.workerApi) {
      await container.resolve(TOKENS.books).start();
      await runService.start();
    }
  });
  // Upstream's system_event entries: an instance that listened records its start and its stop.
  const systemLog = container.resolve(TOKENS.systemLog);
  let instance: string | undefined;
  app.addHook('onListen', async () => {
    const address = app.server.address();
    instance = typeof address === 'object' && address !== null ? String(address.port) : String(address);
    await systemLog.started(instance);
  });
  app.addHook('preClose', async () => {
    if (instance !== undefined) await systemLog.stopped(instance);
  });
  await app.register(healthRoutes(container));
  const openApi = createOpenApiRegistry();
  await app.register(publicApiRoutes(container, { openApi }));
  await app.register(
    workerApi({
      authenticate: (username, password) => authenticator.authenticate(username, password),
      runs: runService,
      blobs: container.resolve(TOKENS.blobStore),
      ...(config.nnUrl === undefined ? {} : { nnUrl: config.nnUrl }),
      serveProtocol: config.workerApi,
    }, { openApi }),
  );
  if (options.ownsContainer ?? true) {
    app.addHook('onClose', async () => {
      await disposeContainer(container);
    });
  }
  return app;
};
