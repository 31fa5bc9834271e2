import 'reflect-metadata';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { container as rootContainer } from 'tsyringe';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import type { EventStore } from './stores/events/port.js';
import type { ReadStore } from './stores/documents/port.js';
import { openEventStore } from './stores/events/fromUrl.js';
import { openReadStore } from './stores/documents/fromUrl.js';
import type { Projection } from './projections/projection.js';
import { projections as catalog } from './projections/catalog.js';
import type { ProjectionEngine } from './projections/engine.js';
import { createProjectionEngine } from './projections/engine.js';
import type { ReadModels } from './projections/readModels.js';
import { createReadModels } from './projections/readModels.js';

export const TOKENS = {
  config: Symbol('Config') as InjectionToken<Config>,
  logger: Symbol('Logger') as InjectionToken<Logger>,
  eventStore: Symbol('EventStore') as InjectionToken<EventStore>,
  readStore: Symbol('ReadStore') as InjectionToken<ReadStore>,
  projections: Symbol('Projections') as InjectionToken<readonly Projection[]>,
  projectionEngine: Symbol('ProjectionEngine') as InjectionToken<ProjectionEngine>,
  readModels: Symbol('ReadModels') as InjectionToken<ReadModels>,
} as const;

export interface CompositionOptions {
  config: Config;
  logger: Logger;
  /** Replaces the catalogue (tests use small projections). */
  projections?: readonly Projection[];
}

/**
 * The composition root: opens the adapters the configuration names and registers everything
 * by explicit token (no decorator metadata is emitted, so nothing is resolved by type).
 */
export const composeContainer = async (options: CompositionOptions): Promise<DependencyContainer> => {
  const { config, logger } = options;
  const projections = options.projections ?? catalog;
  const eventStore = await openEventStore({ url: config.eventStoreUrl, sqliteSynchronous: config.sqliteSynchronous });
  let readStore: ReadStore;
  try {
    readStore = await openReadStore({ url: config.readStoreUrl, sqliteSynchronous: config.sqliteSynchronous });
  } catch (err) {
    await eventStore.close();
    throw err;
  }

  const container = rootContainer.createChildContainer();
  container.register(TOKENS.config, { useValue: config });
  container.register(TOKENS.logger, { useValue: logger });
  container.register(TOKENS.eventStore, { useValue: eventStore });
  container.register(TOKENS.readStore, { useValue: readStore });
  container.register(TOKENS.projections, { useValue: projections });
  container.register(TOKENS.projectionEngine, {
    useValue: createProjectionEngine({
      eventStore,
      readStore,
      projections,
      logger,
      runProjections: config.runProjections,
    }),
  });
  container.register(TOKENS.readModels, { useValue: createReadModels(readStore, projections) });
  return container;
};

/** Stops the projections, then flushes and closes both stores. */
export const disposeContainer = async (container: DependencyContainer): Promise<void> => {
  await container.resolve(TOKENS.projectionEngine).stop();
  const results = await Promise.allSettled([
    container.resolve(TOKENS.eventStore).close(),
    container.resolve(TOKENS.readStore).close(),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
};
