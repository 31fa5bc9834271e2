import { batchGames, gamesOf, playPairs, playSeconds, zeroResults, type RunShape, type TaskResults } from './games.js';
import { createLedger, joinStatsFor, record, type GameLedger, type JoinStats, type PhaseStats } from './loadStats.js';
import { createPgnPayloads } from './pgnPayloads.js';
import { requestOnce, type RequestBody } from './rawHttp.js';
import { createSleeper } from './sleeper.js';
import { createWorkerCaller, type CallResult, type JsonObject } from './workerCalls.js';
import { workerIdentity, type WorkerIdentity } from './workerIdentity.js';

/*
 * Virtual workers at the real worker's cadence (worker 325), with every interval divided by the
 * time-compression factor: per task a request_version and a request_task, then one update_task
 * per batch of games with the task's cumulative results, a beat after 120 s without an update,
 * the PGN upload at the end; back-off 15 s doubling to 900 s when no task comes; five update
 * attempts 15 s apart. Each call is a new connection with a 30 s timeout, as `requests.post`.
 */

const BEAT_AFTER_S = 120;
const FIRST_BACKOFF_S = 15;
const MAX_BACKOFF_S = 900;
const UPDATE_RETRY_S = 15;
const UPDATE_ATTEMPTS = 5;
const HTTP_TIMEOUT_MS = 30_000;

export interface CadenceSettings {
  port: number;
  users: number;
  /** Time compression: every worker-side interval is divided by this. */
  speed: number;
  /** Compressed PGN bytes per game; 0: no uploads. */
  pgnBytesPerGame: number;
}

export interface FleetProgress {
  started: number;
  withTask: number;
  quit: number;
  inFlight: number;
  calls: number;
}

export interface FleetResults {
  stats: PhaseStats;
  ledger: GameLedger;
  joins: JoinStats;
  progress: FleetProgress;
}

export interface CadenceFleet {
  /**
   * Starts workers first … first+count−1, spread evenly over `withinMs`. A warm worker plays
   * its first task as if it had started it a random while ago (the games before are reported
   * with its first batch), so that a fleet which joined together ends its tasks at random
   * times, as a fleet in its steady state does, instead of all together 30 minutes later.
   */
  join(first: number, count: number, withinMs: number, cohort: string, warm: boolean): void;
  setPhase(phase: string): void;
  progress(): FleetProgress;
  /** Stops every worker, waits for the calls in flight, and returns what was seen. */
  stop(): Promise<FleetResults>;
}

interface AssignedTask {
  runId: string;
  taskId: number;
  run: RunShape;
  numGames: number;
  stats: TaskResults;
}

const assignedTask = (reply: JsonObject): AssignedTask | undefined => {
  const run = reply['run'] as { _id?: unknown; args?: JsonObject; my_task?: { num_games?: unknown; stats?: TaskResults } } | undefined;
  const taskId = reply['task_id'];
  if (run === undefined || typeof run._id !== 'string' || typeof taskId !== 'number' || run.args === undefined) return undefined;
  const args = run.args;
  const sprt = args['sprt'] as { batch_size?: number } | undefined;
  return {
    runId: run._id,
    taskId,
    run: {
      tc: String(args['tc']),
      threads: Number(args['threads'] ?? 1),
      ...(sprt?.batch_size === undefined ? {} : { sprt: { batch_size: sprt.batch_size } }),
    },
    numGames: Number(run.my_task?.num_games ?? 0),
    stats: run.my_task?.stats ? { ...run.my_task.stats, pentanomial: [...run.my_task.stats.pentanomial] } : zeroResults(),
  };
};

export const createCadenceFleet = (settings: CadenceSettings): CadenceFleet => {
  const stats: PhaseStats = {};
  const ledger = createLedger();
  const joins: JoinStats = {};
  let phase = 'start';
  const caller = createWorkerCaller({ stats, phase: () => phase, keepAlive: false });
  const sleeper = createSleeper();
  const pgn = settings.pgnBytesPerGame > 0 ? createPgnPayloads(settings.pgnBytesPerGame) : undefined;
  const startTimers = new Set<NodeJS.Timeout>();
  const progress = { started: 0, withTask: 0, quit: 0 };
  const running = new Set<Promise<void>>();
  const compress = (seconds: number): number => (seconds * 1000) / settings.speed;
  const send = (request: Buffer) => requestOnce(settings.port, request, HTTP_TIMEOUT_MS);
  const call = (endpoint: string, identity: WorkerIdentity, body: RequestBody): Promise<CallResult> =>
    caller.call(endpoint, identity, body, send);

  /** A task call's body up to its own members, without the closing brace. */
  const taskBodyStart = (identity: WorkerIdentity, task: AssignedTask): string =>
    `{${identity.credentials},"run_id":${JSON.stringify(task.runId)},"task_id":${task.taskId}`;
  const taskBody = (identity: WorkerIdentity, task: AssignedTask, extra = ''): string => `${taskBodyStart(identity, task)}${extra}}`;

  const addGames = (into: Record<string, number>, runId: string, games: number): void => {
    into[runId] = (into[runId] ?? 0) + games;
  };

  /** The upload after a task, played or not finished, when there are games (non-SPSA runs). */
  const uploadPgn = async (identity: WorkerIdentity, task: AssignedTask): Promise<void> => {
    const games = gamesOf(task.stats);
    if (pgn === undefined || games === 0 || sleeper.stopped) return;
    await call('upload_pgn', identity, [`${taskBodyStart(identity, task)},"message":"","pgn":"`, pgn.payload(games), '"}']);
  };

  const failTask = async (identity: WorkerIdentity, task: AssignedTask, message: string): Promise<void> => {
    if (sleeper.stopped) return;
    await call('failed_task', identity, taskBody(identity, task, `,"message":${JSON.stringify(message)}`));
  };

  /**
   * One batch's update_task with up to five attempts. After an attempt without a reply, a
   * refusal of a later one may come from the first having been applied (it completed the task,
   * so the retry finds it inactive): the games are then counted as uncertain, not as refused.
   */
  const reportBatch = async (identity: WorkerIdentity, task: AssignedTask, next: TaskResults): Promise<'alive' | 'done' | 'failed'> => {
    const delta = gamesOf(next) - gamesOf(task.stats);
    const body = taskBody(identity, task, `,"stats":${JSON.stringify(next)}`);
    let unanswered = false;
    const maybeApplied = () => {
      if (unanswered) addGames(ledger.uncertain, task.runId, delta);
    };
    for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt += 1) {
      const result = await call('update_task', identity, body);
      if (result.kind === 'reply') {
        const reply = result.json;
        if (result.status >= 400 || typeof reply['error'] === 'string' || typeof reply['task_alive'] !== 'boolean') {
          maybeApplied();
          await failTask(identity, task, `update_task: ${String(reply['error'] ?? 'no task_alive')}`);
          return 'failed';
        }
        // `info`: the task was no longer active, nothing was applied by this attempt.
        if (typeof reply['info'] === 'string') {
          maybeApplied();
          return 'done';
        }
        addGames(ledger.confirmed, task.runId, delta);
        ledger.confirmedUpdates += 1;
        task.stats = next;
        return reply['task_alive'] ? 'alive' : 'done';
      }
      // The server may have applied it (a timeout) or failed: retrying the same cumulative results is safe.
      unanswered = true;
      if (attempt === UPDATE_ATTEMPTS || !(await sleeper.sleep(compress(UPDATE_RETRY_S)))) break;
    }
    addGames(ledger.uncertain, task.runId, delta);
    await failTask(identity, task, 'Too many failed update attempts.');
    return 'failed';
  };

  /** Plays the task batch by batch; beats when a batch takes longer than the heartbeat interval. */
  const playTask = async (identity: WorkerIdentity, task: AssignedTask, warm: boolean): Promise<void> => {
    const batch = batchGames(task.run, identity.concurrency);
    // Whole batches "played before the benchmark" (0 … all but the last one), uniformly, and
    // the current batch already under way for a random part of its time.
    let carried = warm ? batch * Math.floor(Math.random() * Math.ceil(task.numGames / batch)) : 0;
    let batchPartLeft = warm ? Math.random() : 1;
    let lastContact = performance.now();
    for (;;) {
      const toPlay = Math.min(batch, task.numGames - gamesOf(task.stats) - carried);
      if (toPlay <= 0) break;
      // Games end early or late (adjudication, time use): ±30% per batch, which also spreads a fleet that started together.
      const readyAt = performance.now() + compress(playSeconds(task.run, identity.concurrency, toPlay) * (0.7 + 0.6 * Math.random()) * batchPartLeft);
      batchPartLeft = 1;
      for (;;) {
        const beatAt = lastContact + compress(BEAT_AFTER_S);
        if (beatAt >= readyAt) break;
        if (!(await sleeper.sleep(beatAt - performance.now()))) return;
        lastContact = performance.now();
        const beat = await call('beat', identity, taskBody(identity, task));
        if (beat.kind === 'reply' && (beat.json['task_alive'] === false || typeof beat.json['error'] === 'string')) {
          await uploadPgn(identity, task);
          return;
        }
      }
      if (!(await sleeper.sleep(readyAt - performance.now()))) return;
      const outcome = await reportBatch(identity, task, playPairs(task.stats, (carried + toPlay) / 2));
      carried = 0;
      lastContact = performance.now();
      if (outcome !== 'alive') break;
    }
    await uploadPgn(identity, task);
  };

  const runWorker = async (index: number, cohort: string, warm: boolean): Promise<void> => {
    const identity = workerIdentity(index, settings.users);
    const joined = performance.now();
    const joinStats = joinStatsFor(joins, cohort);
    joinStats.joined += 1;
    let firstTask = true;
    let backoffS = FIRST_BACKOFF_S;
    const backOff = async (): Promise<boolean> => {
      const awake = await sleeper.sleep(compress(backoffS));
      backoffS = Math.min(backoffS * 2, MAX_BACKOFF_S);
      return awake;
    };
    while (!sleeper.stopped) {
      const version = await call('request_version', identity, identity.versionBody);
      if (sleeper.stopped) return;
      if (version.kind === 'failed') {
        if (!(await backOff())) return;
        continue;
      }
      // The real worker quits for good on an error here.
      if (typeof version.json['error'] === 'string') {
        progress.quit += 1;
        return;
      }
      const assignment = await call('request_task', identity, `{${identity.credentials}}`);
      if (sleeper.stopped) return;
      const task = assignment.kind === 'reply' && !('task_waiting' in assignment.json) ? assignedTask(assignment.json) : undefined;
      if (task === undefined) {
        if (!(await backOff())) return;
        continue;
      }
      const warmTask = warm && firstTask;
      if (firstTask) {
        firstTask = false;
        joinStats.gotTask += 1;
        record(joinStats.timeToTask, (performance.now() - joined) * 1000);
      }
      backoffS = FIRST_BACKOFF_S;
      progress.withTask += 1;
      try {
        await playTask(identity, task, warmTask);
      } finally {
        progress.withTask -= 1;
      }
    }
  };

  const launch = (index: number, cohort: string, warm: boolean): void => {
    progress.started += 1;
    const worker = runWorker(index, cohort, warm).catch((error: unknown) => {
      process.stderr.write(`virtual worker ${index} crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
    });
    running.add(worker);
    void worker.finally(() => running.delete(worker));
  };

  return {
    join(first, count, withinMs, cohort, warm) {
      for (let n = 0; n < count; n += 1) {
        const timer = setTimeout(() => {
          startTimers.delete(timer);
          if (!sleeper.stopped) launch(first + n, cohort, warm);
        }, count <= 1 ? 0 : (n * withinMs) / count);
        startTimers.add(timer);
      }
    },
    setPhase(name) {
      phase = name;
    },
    progress: () => ({ ...progress, inFlight: caller.inFlight(), calls: countCalls(stats) }),
    async stop() {
      for (const timer of startTimers) clearTimeout(timer);
      startTimers.clear();
      sleeper.stopAll();
      // Every call in flight ends within its 30 s timeout; the workers then return.
      await Promise.all([...running]);
      return { stats, ledger, joins, progress: { ...progress, inFlight: caller.inFlight(), calls: countCalls(stats) } };
    },
  };
};

export const countCalls = (stats: PhaseStats): number => {
  let calls = 0;
  for (const endpoints of Object.values(stats)) for (const endpoint of Object.values(endpoints)) calls += endpoint.calls;
  return calls;
};
