import { batchGames, gamesOf, playPairs, zeroResults, type RunShape, type TaskResults } from './games.js';
import { createLedger, record, statsFor, type GameLedger, type PhaseStats } from './loadStats.js';
import { buildRequest, openKeepAlive, requestOnce, TransportError, type HttpReply, type KeepAliveConnection } from './rawHttp.js';
import { createWorkerCaller, type JsonObject } from './workerCalls.js';
import { workerIdentity, type WorkerIdentity } from './workerIdentity.js';

/*
 * Saturation: many keep-alive connections, each sending its next request as soon as the previous
 * reply arrived, for a fixed time. Against the fleet server the requests follow the production
 * mix of worker calls; against the baselines they are a GET of a hello-world route, or a POST
 * shaped like update_task to a route that only appends it to the event store.
 */

const TIMEOUT_MS = 30_000;

/** Production shares (worker-protocol.md, "Load the fleet produces"), request_task at the version-check rate. */
export const PRODUCTION_MIX = { beat: 55, request_version: 12, request_task: 12, update_task: 5 } as const;
export type MixOp = keyof typeof PRODUCTION_MIX;
export const MIX_OPS = Object.keys(PRODUCTION_MIX) as MixOp[];

/** `hello-close`: the hello route with a new connection per request, as the fleet calls. */
export type SaturationTarget = 'mix' | 'hello' | 'hello-close' | 'append';

export interface SaturationSettings {
  port: number;
  target: SaturationTarget;
  connections: number;
  seconds: number;
  /** mix only: virtual workers firstWorker… (each gets a task before the clock starts) and their users. */
  firstWorker: number;
  workers: number;
  users: number;
  /** mix only: send this call alone instead of the production mix. */
  only?: MixOp;
}

export interface SaturationResults {
  stats: PhaseStats;
  ledger: GameLedger;
  /** Measured seconds (the clock of the timed part). */
  seconds: number;
  /** mix only: untimed warm-up that gave every worker a task. */
  warmUpSeconds: number;
}

interface MixWorker {
  identity: WorkerIdentity;
  task?: { runId: string; taskId: number; run: RunShape; numGames: number; stats: TaskResults };
}

const pickOp = (only: MixOp | undefined): MixOp => {
  if (only !== undefined) return only;
  const total = PRODUCTION_MIX.beat + PRODUCTION_MIX.request_version + PRODUCTION_MIX.request_task + PRODUCTION_MIX.update_task;
  let draw = Math.random() * total;
  for (const op of Object.keys(PRODUCTION_MIX) as MixOp[]) {
    draw -= PRODUCTION_MIX[op];
    if (draw < 0) return op;
  }
  return 'beat';
};

const taskOf = (json: JsonObject): MixWorker['task'] => {
  const run = json['run'] as { _id: string; args: JsonObject; my_task: { num_games: number } } | undefined;
  if (run === undefined || typeof json['task_id'] !== 'number') return undefined;
  const sprt = run.args['sprt'] as { batch_size: number } | undefined;
  return {
    runId: run._id,
    taskId: json['task_id'],
    run: { tc: String(run.args['tc']), threads: Number(run.args['threads'] ?? 1), ...(sprt ? { sprt: { batch_size: sprt.batch_size } } : {}) },
    numGames: run.my_task.num_games,
    stats: zeroResults(),
  };
};

/** Plain request loop for the baselines: one prepared request per connection, again and again. */
const baselineLoop = async (
  send: (request: Buffer) => Promise<HttpReply>,
  request: Buffer,
  endpoint: string,
  stats: PhaseStats,
  phase: () => string,
  until: () => boolean,
): Promise<void> => {
  while (!until()) {
    const started = performance.now();
    const endpointStats = statsFor(stats, phase(), endpoint);
    try {
      const reply = await send(request);
      endpointStats.calls += 1;
      record(endpointStats.latency, (performance.now() - started) * 1000);
      if (reply.status >= 500) endpointStats.serverErrors += 1;
      else if (reply.status >= 400) endpointStats.rejected += 1;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      endpointStats.calls += 1;
      endpointStats.transportErrors += 1;
    }
  }
};

/** `warmedUp` is awaited between the untimed warm-up and the clock's start (to start several load processes together). */
export const runSaturation = async (settings: SaturationSettings, warmedUp: () => Promise<void>): Promise<SaturationResults> => {
  const stats: PhaseStats = {};
  const ledger = createLedger();
  let phase = 'warm-up';
  const connections = Array.from({ length: settings.connections }, () => openKeepAlive(settings.port, TIMEOUT_MS));
  let measuring = false;
  let deadline = Number.POSITIVE_INFINITY;
  const over = () => measuring && performance.now() >= deadline;
  const startClock = () => {
    phase = 'measured';
    measuring = true;
    deadline = performance.now() + settings.seconds * 1000;
  };

  try {
    if (settings.target !== 'mix') {
      const target = settings.target;
      await warmedUp();
      startClock();
      const started = performance.now();
      await Promise.all(
        connections.map((connection, n) => {
          if (target === 'append') {
            const request = buildRequest({ method: 'POST', path: '/append', keepAlive: true, body: appendBody(workerIdentity(n, settings.users), n) });
            return baselineLoop((r) => connection.send(r), request, 'POST /append', stats, () => phase, over);
          }
          const keepAlive = target === 'hello';
          const request = buildRequest({ method: 'GET', path: '/hello', keepAlive });
          const send = keepAlive ? (r: Buffer) => connection.send(r) : (r: Buffer) => requestOnce(settings.port, r, TIMEOUT_MS);
          return baselineLoop(send, request, keepAlive ? 'GET /hello (keep-alive)' : 'GET /hello (new connection)', stats, () => phase, over);
        }),
      );
      return { stats, ledger, seconds: (performance.now() - started) / 1000, warmUpSeconds: 0 };
    }

    const caller = createWorkerCaller({ stats, phase: () => phase, keepAlive: true });
    const workers: MixWorker[] = Array.from({ length: settings.workers }, (_, index) => ({ identity: workerIdentity(settings.firstWorker + index, settings.users) }));
    const slices = connections.map((_, n) => workers.filter((_worker, index) => index % connections.length === n));

    const requestTask = async (connection: KeepAliveConnection, worker: MixWorker): Promise<void> => {
      const result = await caller.call('request_task', worker.identity, `{${worker.identity.credentials}}`, (r) => connection.send(r));
      if (result.kind === 'reply' && !('task_waiting' in result.json)) worker.task = taskOf(result.json);
    };

    const body = (worker: MixWorker, extra = ''): string =>
      `{${worker.identity.credentials},"run_id":${JSON.stringify(worker.task?.runId)},"task_id":${worker.task?.taskId ?? 0}${extra}}`;

    const updateTask = async (connection: KeepAliveConnection, worker: MixWorker): Promise<void> => {
      const task = worker.task;
      if (task === undefined) return;
      const toPlay = Math.min(batchGames(task.run, worker.identity.concurrency), task.numGames - gamesOf(task.stats));
      if (toPlay <= 0) {
        worker.task = undefined;
        return;
      }
      const next = playPairs(task.stats, toPlay / 2);
      const result = await caller.call('update_task', worker.identity, body(worker, `,"stats":${JSON.stringify(next)}`), (r) => connection.send(r));
      const delta = gamesOf(next) - gamesOf(task.stats);
      if (result.kind === 'failed') {
        ledger.uncertain[task.runId] = (ledger.uncertain[task.runId] ?? 0) + delta;
        worker.task = undefined;
        return;
      }
      const reply = result.json;
      if (result.status >= 400 || typeof reply['error'] === 'string' || typeof reply['info'] === 'string' || typeof reply['task_alive'] !== 'boolean') {
        worker.task = undefined;
        return;
      }
      ledger.confirmed[task.runId] = (ledger.confirmed[task.runId] ?? 0) + delta;
      ledger.confirmedUpdates += 1;
      task.stats = next;
      if (!reply['task_alive']) worker.task = undefined;
    };

    // Untimed: every worker gets a task first, as a fleet that is already running.
    const warmUpStarted = performance.now();
    const warmUpDeadline = warmUpStarted + 120_000;
    await Promise.all(
      connections.map(async (connection, n) => {
        for (const worker of slices[n] ?? []) {
          while (worker.task === undefined && performance.now() < warmUpDeadline) {
            await requestTask(connection, worker);
            if (worker.task === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }),
    );
    const warmUpSeconds = (performance.now() - warmUpStarted) / 1000;

    await warmedUp();
    startClock();
    const started = performance.now();
    await Promise.all(
      connections.map(async (connection, n) => {
        const own = slices[n] ?? [];
        let cursor = 0;
        const next = (wantTask: boolean | undefined): MixWorker | undefined => {
          for (let tried = 0; tried < own.length; tried += 1) {
            const worker = own[cursor++ % own.length]!;
            if (wantTask === undefined || (worker.task !== undefined) === wantTask) return worker;
          }
          return undefined;
        };
        while (!over()) {
          const op = pickOp(settings.only);
          const send = (request: Buffer) => connection.send(request);
          if (op === 'request_version') {
            const worker = next(undefined)!;
            await caller.call('request_version', worker.identity, worker.identity.versionBody, send);
            continue;
          }
          if (op === 'request_task') {
            // A worker without a task if there is one; else a worker starting over (its old task goes stale).
            await requestTask(connection, next(false) ?? next(undefined)!);
            continue;
          }
          const worker = next(true);
          if (worker === undefined) {
            await requestTask(connection, next(undefined)!);
            continue;
          }
          if (op === 'beat') {
            const result = await caller.call('beat', worker.identity, body(worker), send);
            if (result.kind === 'reply' && result.json['task_alive'] === false) worker.task = undefined;
          } else {
            await updateTask(connection, worker);
          }
        }
      }),
    );
    return { stats, ledger, seconds: (performance.now() - started) / 1000, warmUpSeconds };
  } finally {
    for (const connection of connections) connection.close();
  }
};

/** An update_task-shaped body (about 1 KB) for the append-only baseline. */
const appendBody = (identity: WorkerIdentity, n: number): string =>
  `{${identity.credentials},"run_id":"bench${String(n % 200).padStart(20, '0')}","task_id":${n},"stats":${JSON.stringify(
    playPairs(zeroResults(), 16),
  )}}`;
