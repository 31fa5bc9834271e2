import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, composeContainer, type RunServiceOverrides } from '../../src/container.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildApp } from '../../src/http/app.js';
import type { EventContext, EventStore, RecordedEvent } from '../../src/stores/events/port.js';
import { NO_STREAM, STREAM_EXISTS } from '../../src/stores/events/port.js';
import { createUserCommands } from '../../src/commands/users/userCommands.js';
import { createUserDirectory } from '../../src/commands/users/userDirectory.js';
import { hashPassword } from '../../src/commands/users/passwordHash.js';
import type { RunService } from '../../src/commands/runs/index.js';
import { newRunId } from '../../src/commands/runs/index.js';
import type { RunArgs } from '../../src/domain/runs/args.js';
import { runEvent, runStreamName, type RunEvent } from '../../src/domain/runs/events.js';
import type { Run } from '../../src/domain/runs/state.js';
import { toIso } from '../../src/domain/shared/time.js';
import type { WorkerInfo } from '../../src/domain/shared/worker-info.js';
import { tcBase } from '../../src/domain/shared/time-control.js';
import type { Projection } from '../../src/projections/projection.js';
import { makeTempDir } from './tempDir.js';

const system: EventContext = { actor: 'test', correlationId: 'test' };

/** Scrypt with a tiny cost: the stored hash names its parameters, so the authenticator checks it as fast. */
const cheapHash = (password: string): Promise<string> => hashPassword(password, { log2N: 4, r: 1, p: 1 });

export interface WorkerAppOptions {
  env?: Record<string, string>;
  runService?: RunServiceOverrides;
  /** Replaces the projection catalogue. */
  projections?: readonly Projection[];
}

/** The whole application on fresh embedded stores, with helpers to seed users and runs as other modules would. */
export interface WorkerApp {
  app: FastifyInstance;
  container: DependencyContainer;
  eventStore: EventStore;
  runs: RunService;
  dir: string;
  registerUser(username: string, password: string, options?: { accepted?: boolean }): Promise<void>;
  /** Appends RunCreated (and RunApproved) as another process would, and waits until the scheduler saw them. */
  seedRun(args: RunArgs, options?: { approved?: boolean; runId?: string }): Promise<string>;
  /** Appends events to a run's stream and waits for the scheduler. */
  appendRunEvents(runId: string, events: (at: string) => RunEvent[]): Promise<void>;
  /** Gives a task to a worker directly (upstream's tests append one to the run document). */
  seedTask(runId: string, worker: WorkerInfo, numGames?: number): Promise<number>;
  /** Listens on a free loopback port and returns the base URL. */
  listen(): Promise<string>;
  run(runId: string): Promise<Run>;
  runEvents(runId: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export const startWorkerApp = async (options: WorkerAppOptions = {}): Promise<WorkerApp> => {
  const temp = makeTempDir();
  const config = loadConfig({ DATA_DIR: temp.dir, SQLITE_SYNCHRONOUS: 'NORMAL', ...options.env });
  const container = await composeContainer({
    config,
    logger: silentLogger,
    ...(options.runService ? { runService: options.runService } : {}),
    ...(options.projections ? { projections: options.projections } : {}),
  });
  const app = await buildApp({ container });
  await app.ready();
  const eventStore = container.resolve(TOKENS.eventStore);
  const runs = container.resolve(TOKENS.runService);
  const directory = createUserDirectory({ eventStore, follow: false });
  const users = createUserCommands({ eventStore, directory, hashPassword: cheapHash });

  const waitForScheduler = async (position: bigint): Promise<void> => {
    if (!(await runs.caughtUp(position, 5_000))) throw new Error(`the scheduler did not reach position ${position}`);
  };

  const appendRunEvents: WorkerApp['appendRunEvents'] = async (runId, events) => {
    const at = toIso(Date.now());
    const result = await eventStore.append(
      runStreamName(runId),
      events(at).map((event) => ({ type: event.type, data: event.data, metadata: system })),
      STREAM_EXISTS,
    );
    await waitForScheduler(result.position);
  };

  const run = async (runId: string): Promise<Run> => {
    const state = await runs.getRun(runId);
    if (state.kind !== 'run') throw new Error(`no run ${runId}`);
    return state;
  };

  return {
    app,
    container,
    eventStore,
    runs,
    dir: temp.dir,
    async registerUser(username, password, registration = {}) {
      const outcome = await users.register(
        { username, password, email: `${username.toLowerCase()}@example.org`, accepted: registration.accepted ?? true },
        system,
      );
      if (outcome.kind !== 'accepted') throw new Error(`cannot register ${username}: ${outcome.message}`);
    },
    async seedRun(args, seed = {}) {
      const runId = seed.runId ?? newRunId();
      const at = toIso(Date.now());
      const events: RunEvent[] = [runEvent('RunCreated', { runId, at, args, tcBase: tcBase(args.tc) })];
      if (seed.approved ?? true) events.push(runEvent('RunApproved', { runId, at, approver: 'approver' }));
      const result = await eventStore.append(
        runStreamName(runId),
        events.map((event) => ({ type: event.type, data: event.data, metadata: system })),
        NO_STREAM,
      );
      await waitForScheduler(result.position);
      return runId;
    },
    appendRunEvents,
    async seedTask(runId, worker, numGames = 200) {
      const before = await run(runId);
      const taskId = before.tasks.length;
      await appendRunEvents(runId, (at) => [
        runEvent('TaskAssigned', { runId, at, taskId, numGames, start: before.totalGames, workerInfo: worker }),
      ]);
      return taskId;
    },
    async listen() {
      // On a busy shared machine the ephemeral ports can run out for a moment: try again.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await app.listen({ port: 0, host: '127.0.0.1' });
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    },
    run,
    async runEvents(runId) {
      return eventStore.readStream(runStreamName(runId));
    },
    async close() {
      await app.close();
      await directory.close();
      temp.remove();
    },
  };
};

export const correlation = (): EventContext => ({ actor: 'test', correlationId: randomUUID() });
