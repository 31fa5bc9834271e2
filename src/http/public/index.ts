import type { FastifyPluginAsync } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../container.js';
import { createOpenApiRegistry, type OpenApiRegistry } from './openapi.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerEloRoutes } from './routes/elo.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerTaskRoutes } from './routes/tasks.js';

export { createOpenApiRegistry } from './openapi.js';
export type { ApiOperation, OpenApiDocument, OpenApiRegistry } from './openapi.js';

export interface PublicApiOptions {
  /**
   * Where the routes describe themselves; `GET /api/docs` serves it. Pass the same registry to
   * other route plugins (the worker API) so their operations appear in the same document.
   */
  openApi?: OpenApiRegistry;
}

/**
 * The public read API (no authentication): run lists, one run, one task, Elo estimates, the
 * audit log, and `GET /api/docs` (OpenAPI 3). Needs the read models of `readModelsCatalog.ts`.
 */
export const publicApiRoutes =
  (container: DependencyContainer, options: PublicApiOptions = {}): FastifyPluginAsync =>
  async (app) => {
    const openApi = options.openApi ?? createOpenApiRegistry();
    const context = { readModels: container.resolve(TOKENS.readModels), openApi };
    registerRunRoutes(app, context);
    registerTaskRoutes(app, context);
    registerEloRoutes(app, context);
    registerActionRoutes(app, context);

    openApi.add({
      method: 'get',
      path: '/api/docs',
      summary: 'This document (OpenAPI 3)',
      tags: ['meta'],
      responses: { 200: { description: 'The OpenAPI document' } },
    });
    app.get('/api/docs', async () => openApi.document());
  };
