import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, disposeContainer } from '../container.js';
import { registerErrorHandling } from './plugins/errorHandler.js';
import { healthRoutes } from './routes/health.js';

export interface AppOptions {
  container: DependencyContainer;
  /** Close the stores when the app closes (the default); tests sharing stores may turn it off. */
  ownsContainer?: boolean;
}

/** Builds the HTTP application over a composed container; `close()` drains requests, then the stores. */
export const buildApp = async (options: AppOptions): Promise<FastifyInstance> => {
  const { container } = options;
  const logger = container.resolve(TOKENS.logger);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 8 * 1024 * 1024,
    return503OnClosing: true,
  });
  registerErrorHandling(app);
  app.addHook('onReady', async () => {
    await container.resolve(TOKENS.projectionEngine).start();
  });
  await app.register(healthRoutes(container));
  if (options.ownsContainer ?? true) {
    app.addHook('onClose', async () => {
      await disposeContainer(container);
    });
  }
  return app;
};
