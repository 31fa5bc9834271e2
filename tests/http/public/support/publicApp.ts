import Fastify, { type FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, composeContainer, disposeContainer } from '../../../../src/container.js';
import { loadConfig } from '../../../../src/config/config.js';
import { silentLogger } from '../../../../src/logger.js';
import { registerErrorHandling } from '../../../../src/http/plugins/errorHandler.js';
import { publicApiRoutes, type PublicApiOptions } from '../../../../src/http/public/index.js';
import { readModelProjections } from '../../../../src/projections/readModelsCatalog.js';
import { makeTempDir } from '../../../support/tempDir.js';
import { streamOf, toNewEvent, type DomainEvent } from './recordedEvents.js';

export interface PublicApp {
  app: FastifyInstance;
  container: DependencyContainer;
  /** Appends the events (consecutive events of one stream together) and waits until they are projected. */
  append(events: readonly DomainEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** The public API over the embedded stores (or the read store `env` names), as the application wires it. */
export const startPublicApp = async (options: PublicApiOptions = {}, env: Record<string, string> = {}): Promise<PublicApp> => {
  const temp = makeTempDir();
  const config = loadConfig({ ...env, DATA_DIR: temp.dir });
  const container = await composeContainer({ config, logger: silentLogger, projections: readModelProjections });
  const app = Fastify();
  registerErrorHandling(app);
  await app.register(publicApiRoutes(container, options));
  await app.ready();
  const engine = container.resolve(TOKENS.projectionEngine);
  await engine.start();
  const eventStore = container.resolve(TOKENS.eventStore);
  return {
    app,
    container,
    async append(events) {
      let last = 0n;
      let index = 0;
      while (index < events.length) {
        const stream = streamOf(events[index]!);
        const group: DomainEvent[] = [];
        while (index < events.length && streamOf(events[index]!) === stream) group.push(events[index++]!);
        last = (await eventStore.append(stream, group.map(toNewEvent), 'any')).position;
      }
      if (!(await engine.waitFor(last, 20_000))) throw new Error('read models did not catch up');
    },
    async close() {
      await app.close();
      await disposeContainer(container);
      temp.remove();
    },
  };
};
