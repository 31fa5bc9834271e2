import 'reflect-metadata';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { container as rootContainer } from 'tsyringe';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import type { EventStore } from './stores/events/port.js';
import type { ReadStore } from './stores/documents/port.js';
import { openEventStore } from './stores/events/fromUrl.js';
import { createSystemLog, type SystemLog } from './commands/system/systemLog.js';
import { openReadStore } from './stores/documents/fromUrl.js';
import type { Projection } from './projections/projection.js';
import { projections as catalog } from './projections/catalog.js';
import type { ProjectionEngine } from './projections/engine.js';
import { createProjectionEngine } from './projections/engine.js';
import { createThreadedProjectionEngine } from './projections/thread/threadedEngine.js';
import type { ReadModels } from './projections/readModels.js';
import { createReadModels } from './projections/readModels.js';
import type { BlobStore } from './stores/blobs/port.js';
import { openBlobStore } from './stores/blobs/fromUrl.js';
import type { Authenticator } from './commands/users/authenticator.js';
import { createAuthenticator } from './commands/users/authenticator.js';
import { createUserDirectory, type UserDirectory } from './commands/users/userDirectory.js';
import { LIMITS } from './domain/shared/constants.js';
import type { SnapshotDoc } from './commands/aggregateStore.js';
import type { RunService, RunServiceOptions } from './commands/runs/index.js';
import { createRunService } from './commands/runs/index.js';
import { createGitHub } from './github/index.js';
import type { BooksService } from './github/books/index.js';
import { createBooksService } from './github/books/index.js';
import { CONTRIBUTORS } from './projections/contributors/contributorsProjection.js';
import { contributorCpuHours } from './projections/contributors/queries.js';

export const TOKENS = {
  config: Symbol('Config') as InjectionToken<Config>,
  logger: Symbol('Logger') as InjectionToken<Logger>,
  eventStore: Symbol('EventStore') as InjectionToken<EventStore>,
  readStore: Symbol('ReadStore') as InjectionToken<ReadStore>,
  projections: Symbol('Projections') as InjectionToken<readonly Projection[]>,
  projectionEngine: Symbol('ProjectionEngine') as InjectionToken<ProjectionEngine>,
  readModels: Symbol('ReadModels') as InjectionToken<ReadModels>,
  blobStore: Symbol('BlobStore') as InjectionToken<BlobStore>,
  authenticator: Symbol('Authenticator') as InjectionToken<Authenticator>,
  /** Every account in memory, following the user streams (shared by the authenticator and the scheduler). */
  userDirectory: Symbol('UserDirectory') as InjectionToken<UserDirectory>,
  /** The book registry (`book_sri` for workers), seeded from BOOKS_FILE, synced from GitHub in http mode. */
  books: Symbol('Books') as InjectionToken<BooksService>,
  runService: Symbol('RunService') as InjectionToken<RunService>,
  /** The server's own events: instances starting and stopping, diagnostics for the audit log. */
  systemLog: Symbol('SystemLog') as InjectionToken<SystemLog>,
  /** Closes what the container created on first use (run service, authenticator), newest first. */
  closers: Symbol('Closers') as InjectionToken<Closers>,
} as const;

/** Services created on first use register how to close them; the projector never creates them. */
export interface Closers {
  add(close: () => Promise<void>): void;
  closeAll(): Promise<void>;
}

const createClosers = (): Closers => {
  const closers: Array<() => Promise<void>> = [];
  return {
    add: (close) => void closers.push(close),
    async closeAll() {
      while (closers.length > 0) await closers.pop()?.();
    },
  };
};

/** The factory's first result, for every later resolution too. */
const once = <T>(create: () => T): (() => T) => {
  let created: { value: T } | undefined;
  return () => (created ??= { value: create() }).value;
};

/** A user's CPU hours from the contributors read model; −1 when unknown, like upstream's missing cache entry. */
const cpuHoursFrom =
  (readModels: ReadModels, logger: Logger) =>
  async (username: string): Promise<number> => {
    try {
      return await contributorCpuHours(readModels, username);
    } catch (err) {
      logger.warn({ err }, 'could not read the CPU hours of a user');
      return -1;
    }
  };

/** Per-user facts the run service needs from read models other modules maintain. */
export type RunServiceOverrides = Partial<
  Pick<RunServiceOptions, 'clock' | 'random' | 'cpuHoursOf' | 'machineLimitOf' | 'bookSriOf' | 'jobIntervalMs'>
>;

export interface CompositionOptions {
  config: Config;
  logger: Logger;
  /** Replaces the catalogue (tests use small projections). */
  projections?: readonly Projection[];
  /** Replaces run service defaults (tests inject a clock, randomness, CPU hours). */
  runService?: RunServiceOverrides;
}

/**
 * The composition root: opens the adapters the configuration names and registers everything
 * by explicit token (no decorator metadata is emitted, so nothing is resolved by type).
 */
export const composeContainer = async (options: CompositionOptions): Promise<DependencyContainer> => {
  const { config, logger } = options;
  const projections = options.projections ?? catalog;
  const eventStore = await openEventStore({
    url: config.eventStoreUrl,
    sqliteSynchronous: config.sqliteSynchronous,
    sqliteCommitIntervalMs: config.sqliteCommitIntervalMs,
  });
  let readStore: ReadStore;
  try {
    readStore = await openReadStore({ url: config.readStoreUrl });
  } catch (err) {
    await eventStore.close();
    throw err;
  }
  let blobStore: BlobStore;
  try {
    blobStore = await openBlobStore({ url: config.blobStoreUrl });
  } catch (err) {
    await Promise.allSettled([eventStore.close(), readStore.close()]);
    throw err;
  }

  const container = rootContainer.createChildContainer();
  container.register(TOKENS.config, { useValue: config });
  container.register(TOKENS.logger, { useValue: logger });
  container.register(TOKENS.eventStore, { useValue: eventStore });
  container.register(TOKENS.readStore, { useValue: readStore });
  container.register(TOKENS.projections, { useValue: projections });
  // A thread imports the catalogue itself, so a replaced catalogue (tests) runs on the event loop.
  const onThread = config.runProjections === 'thread' && options.projections === undefined;
  container.register(TOKENS.projectionEngine, {
    useValue: onThread
      ? createThreadedProjectionEngine({
          eventStore,
          readStore,
          projections,
          logger,
          eventStoreUrl: config.eventStoreUrl,
          readStoreUrl: config.readStoreUrl,
          sqliteSynchronous: config.sqliteSynchronous,
          batchDelayMs: config.projectionBatchDelayMs,
          threadNice: config.projectionThreadNice,
          logLevel: config.logLevel,
        })
      : createProjectionEngine({
          eventStore,
          readStore,
          projections,
          logger,
          runProjections: config.runProjections !== 'off',
          batchDelayMs: config.projectionBatchDelayMs,
        }),
  });
  const readModels = createReadModels(readStore, projections);
  container.register(TOKENS.readModels, { useValue: readModels });
  container.register(TOKENS.blobStore, { useValue: blobStore });
  const closers = createClosers();
  container.register(TOKENS.closers, { useValue: closers });
  // One in-memory copy of the accounts, for the password checks and the per-user machine limits.
  const userDirectory = once(() => {
    const directory = createUserDirectory({ eventStore, onError: (err) => logger.error({ err }, 'user directory failed') });
    closers.add(() => directory.close());
    return directory;
  });
  container.register(TOKENS.userDirectory, { useFactory: userDirectory });
  container.register(TOKENS.authenticator, {
    useFactory: once(() => {
      const authenticator = createAuthenticator({ eventStore, directory: userDirectory() });
      closers.add(() => authenticator.close());
      return authenticator;
    }),
  });
  const books = once(() => {
    const service = createBooksService({
      eventStore,
      github: createGitHub(config.github),
      ...(config.github.booksFile === undefined ? {} : { seedFile: config.github.booksFile }),
      syncIntervalMs: config.github.booksSyncIntervalMs,
      onError: (err, where) => logger.error({ err }, where),
      onInfo: (message) => logger.info(message),
    });
    closers.add(() => service.stop());
    return service;
  });
  container.register(TOKENS.books, { useFactory: books });
  const systemLog = createSystemLog({ eventStore, onError: (err) => logger.error({ err }, 'could not record a system event') });
  container.register(TOKENS.systemLog, { useValue: systemLog });
  container.register(TOKENS.runService, {
    useFactory: once(() => {
      const runService = createRunService({
        eventStore,
        snapshots: readStore.collection<SnapshotDoc>('run_snapshots', { indexes: [] }),
        requestTaskConcurrency: config.requestTaskConcurrency,
        onError: (err, where) => logger.error({ err }, `run service: ${where}`),
        onDiagnostic: (message) => {
          logger.warn(message);
          void systemLog.diagnostic(message);
        },
        bookSriOf: (book) => books().registry.sriOf(book),
        machineLimitOf: (username) => userDirectory().get(username)?.machineLimit ?? LIMITS.defaultMachineLimit,
        ...(projections.some((projection) => CONTRIBUTORS in projection.collections)
          ? { cpuHoursOf: cpuHoursFrom(readModels, logger) }
          : {}),
        ...options.runService,
      });
      closers.add(() => runService.stop());
      return runService;
    }),
  });
  return container;
};

/** Stops the services and the projections, then flushes and closes the stores. */
export const disposeContainer = async (container: DependencyContainer): Promise<void> => {
  await container.resolve(TOKENS.closers).closeAll();
  await container.resolve(TOKENS.projectionEngine).stop();
  const results = await Promise.allSettled([
    container.resolve(TOKENS.eventStore).close(),
    container.resolve(TOKENS.readStore).close(),
    container.resolve(TOKENS.blobStore).close(),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
};
