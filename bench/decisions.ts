/**
 * The run domain's decisions in-process (no HTTP, no event store): request_task and update_task
 * over 500 active runs and 20,000 active tasks, plus heartbeats. Each decision is timed on its
 * own; the figures are per decision on one core. See docs/benchmarks.md, "Domain decisions".
 *
 *   npx tsx bench/decisions.ts [seconds per measurement, default 3]
 */
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { updateTaskEventIds } from '../src/commands/runs/eventIds.js';
import { spsaSignature } from '../src/domain/runs/adapters/spsa.js';
import type { SpsaBatchReport, UpdateTask } from '../src/domain/runs/commands.js';
import { decideRun } from '../src/domain/runs/decider.js';
import { evolveRun } from '../src/domain/runs/evolve.js';
import type { RunEvent } from '../src/domain/runs/events.js';
import type { Run, RunState } from '../src/domain/runs/state.js';
import { fleetFromRuns } from '../src/domain/scheduling/fleet.js';
import { requestTask } from '../src/domain/scheduling/request-task.js';
import { LIMITS } from '../src/domain/shared/constants.js';
import { fold, isRejection } from '../src/domain/shared/decider.js';
import { addResults, countGames, resultsEqual } from '../src/domain/shared/results.js';
import { beatReply, updateTaskReply } from '../src/domain/tasks/replies.js';
import { buildFleet, ITP_INTERVAL_MS } from './decisions/build-fleet.js';
import { newWorker, playedPairs } from './decisions/fleet-mix.js';
import { seededRandom, shuffled, type Random } from './decisions/random.js';
import { createSamples, formatSummary, type SampleSummary } from './decisions/samples.js';
import { createWorld, runOf, type TaskRef, type World } from './decisions/world.js';

export interface DecisionsOptions {
  /** Measured seconds per figure (after a short warm-up). */
  seconds?: number;
  runs?: number;
  tasks?: number;
  log?: (line: string) => void;
}

export interface DecisionsResult {
  setupSeconds: number;
  runs: number;
  activeTasks: number;
  requestTask: { decision: SampleSummary; withAssignment: SampleSummary; itpRecomputedPerCall: SampleSummary };
  itpRefreshMs: number;
  fleetRebuildMs: number;
  updateTask: { decision: SampleSummary; withBookkeeping: SampleSummary; completedTasks: number; finishedRuns: number };
  beat: SampleSummary;
}

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const WARM_UP_MS = 300;
/** Simulated time between two updates of the fleet (20,000 tasks, about one update per task every 3 minutes). */
const UPDATE_INTERVAL_MS = 10;

const elapsedUs = (from: number, to: number): number => (to - from) * 1000;

/** Calls `step` until `seconds` (after the warm-up) have passed; `step` is told whether to record. */
const during = (seconds: number, step: (record: boolean) => void): void => {
  const warmUntil = performance.now() + WARM_UP_MS;
  const end = warmUntil + seconds * 1000;
  for (let t = performance.now(); t < end; t = performance.now()) step(t >= warmUntil);
};

const activeTaskCount = (world: World): number => world.activeRuns.runs().reduce((sum, run) => sum + run.workers, 0);

/**
 * request_task from new workers: the choice over all unfinished runs (sort, filters), then the
 * assignment as the scheduler makes it. Each new task retires the oldest one (untimed), so the
 * fleet stays at its size.
 */
const measureRequestTask = (world: World, random: Random, seconds: number, tasks: TaskRef[], firstWorker: number, requestIntervalMs: number) => {
  const decision = createSamples();
  const withAssignment = createSamples();
  let nextWorker = firstWorker;
  let oldest = 0;
  let nextItpRefresh = world.now() + ITP_INTERVAL_MS;
  const outcomes = { assigned: 0, other: 0 };
  during(seconds, (record) => {
    world.advance(requestIntervalMs);
    if (world.now() >= nextItpRefresh) {
      world.jobs.refreshItp();
      nextItpRefresh += ITP_INTERVAL_MS;
    }
    const worker = newWorker(nextWorker, random);
    nextWorker += 1;
    const t0 = performance.now();
    const outcome = world.chooseRun(worker);
    const t1 = performance.now();
    const task = outcome.kind === 'assign' ? world.assign(outcome, worker) : undefined;
    const t2 = performance.now();
    if (record) {
      decision.add(elapsedUs(t0, t1));
      withAssignment.add(elapsedUs(t0, t2));
    }
    if (record) outcomes[task === undefined ? 'other' : 'assigned'] += 1;
    if (task === undefined) return;
    tasks.push(task);
    while (oldest < tasks.length) {
      const old = tasks[oldest];
      oldest += 1;
      if (old === undefined || !(runOf(world.state(old.runId)).tasks.get(old.taskId)?.active ?? false)) continue;
      world.apply({ type: 'FailTask', data: { runId: old.runId, taskId: old.taskId, message: 'Worker shut down' } });
      break;
    }
  });
  return { decision: decision.summary(), withAssignment: withAssignment.summary(), outcomes, nextWorker };
};

/** The domain's default, for comparison: requestTask computing every run's itp itself on each call. */
const measureItpPerCall = (world: World, random: Random, seconds: number, firstWorker: number): SampleSummary => {
  const samples = createSamples();
  let n = firstWorker;
  during(seconds, (record) => {
    const worker = newWorker(n, random);
    n += 1;
    const t0 = performance.now();
    requestTask({
      worker,
      now: world.now(),
      runs: world.activeRuns.runs(),
      fleet: world.activeRuns.fleet((runId, taskId) => world.liveness.lastBeat(runId, taskId)),
      machineLimit: LIMITS.defaultMachineLimit,
      hostUrl: 'https://tests.example',
    });
    if (record) samples.add(elapsedUs(t0, performance.now()));
  });
  return samples.summary();
};

/** Mean milliseconds of a whole-fleet computation (`timed` calls after two warm-up calls). */
const meanMs = (timed: number, work: () => void): number => {
  const samples = createSamples();
  for (let i = 0; i < timed + 2; i += 1) {
    const t0 = performance.now();
    work();
    if (i >= 2) samples.add(elapsedUs(t0, performance.now()));
  }
  return samples.summary().meanUs / 1000;
};

/** Games of the next report: one SPRT batch, or one game pair per parallel game, within the task's size. */
const pairsOfNextUpdate = (run: Run, numGames: number, played: number, concurrency: number): number => {
  const wanted = run.args.sprt?.batch_size ?? Math.max(1, Math.floor(concurrency / run.args.threads));
  return Math.min(wanted, Math.floor((numGames - played) / 2));
};

/**
 * update_task with cumulative stats, round-robin over every active task in a shuffled order,
 * timed as the server's handler runs it: the retry check, decideRun, the fold, the reply, the
 * event ids, and the scheduler's index told of the new state. SPSA tasks first get their step
 * (request_spsa, untimed). A completed task's worker asks for a new task (untimed).
 */
const measureUpdateTask = (world: World, random: Random, seconds: number, firstWorker: number) => {
  const decision = createSamples();
  const withBookkeeping = createSamples();
  const slots = shuffled(random, world.activeTasks());
  let nextWorker = firstWorker;
  let completedTasks = 0;
  let finishedRuns = 0;
  let next = 0;

  const replace = (slot: number): void => {
    for (;;) {
      const task = world.schedule(newWorker(nextWorker, random));
      nextWorker += 1;
      if (task !== undefined) {
        slots[slot] = task;
        return;
      }
    }
  };

  during(seconds, (record) => {
    const slot = next % slots.length;
    next += 1;
    const ref = slots[slot];
    if (ref === undefined) return;
    let run = runOf(world.state(ref.runId));
    const current = run.tasks.get(ref.taskId);
    if (run.finished || current === undefined || !current.active) {
      replace(slot);
      return;
    }
    world.advance(UPDATE_INTERVAL_MS);
    const played = countGames(current.stats);
    const pairs = pairsOfNextUpdate(run, current.numGames, played, current.workerInfo.concurrency);
    const delta = playedPairs(random, pairs);
    const stats = addResults(current.stats, delta);
    let spsa: SpsaBatchReport | undefined;
    if (run.args.spsa !== undefined) {
      const requestedBy = { unique_key: ref.worker.unique_key, username: ref.worker.username };
      run = runOf(world.apply({ type: 'RequestSpsaStep', data: { runId: ref.runId, taskId: ref.taskId, requestedBy } }).after);
      const flips = run.tasks.get(ref.taskId)?.spsaStep?.flips ?? [];
      spsa = { wins: delta.wins, losses: delta.losses, draws: delta.draws, num_games: countGames(delta), sig: spsaSignature(flips) };
    }
    const command: UpdateTask = {
      type: 'UpdateTask',
      data: { runId: ref.runId, taskId: ref.taskId, workerInfo: ref.worker, stats, ...(spsa ? { spsa } : {}) },
    };

    const t0 = performance.now();
    const state = world.state(ref.runId);
    const task = state.kind === 'run' ? state.tasks.get(ref.taskId) : undefined;
    if (task !== undefined && task.active && resultsEqual(task.stats, stats)) throw new Error('a retried update in the benchmark');
    const events = decideRun(command, state, world.context());
    const t1 = performance.now();
    if (isRejection(events)) throw new Error(`UpdateTask rejected: ${events.code}: ${events.message}`);
    const after = fold<RunState, RunEvent>(evolveRun, state, events);
    updateTaskReply(events, after, ref.taskId);
    updateTaskEventIds(ref.runId, ref.taskId, stats, events.length);
    world.commit(ref.runId, after);
    const t2 = performance.now();
    if (record) {
      decision.add(elapsedUs(t0, t1));
      withBookkeeping.add(elapsedUs(t0, t2));
    }
    if (events.some((event) => event.type === 'TaskCompleted')) completedTasks += 1;
    if (events.some((event) => event.type === 'RunFinished')) finishedRuns += 1;
  });
  return { decision: decision.summary(), withBookkeeping: withBookkeeping.summary(), completedTasks, finishedRuns, nextWorker, slots };
};

/** beat: the run's state (a cache hit in the server), beatReply, and the heartbeat remembered. */
const measureBeat = (world: World, seconds: number, slots: readonly TaskRef[]): SampleSummary => {
  const samples = createSamples();
  let next = 0;
  during(seconds, (record) => {
    const ref = slots[next % slots.length];
    next += 1;
    if (ref === undefined) return;
    const t0 = performance.now();
    const reply = beatReply(world.state(ref.runId), ref.taskId);
    if (reply.task_alive) world.liveness.touch(ref.runId, ref.taskId, world.now());
    if (record) samples.add(elapsedUs(t0, performance.now()));
  });
  return samples.summary();
};

export const main = async (options: DecisionsOptions = {}): Promise<DecisionsResult> => {
  const seconds = options.seconds ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  const size = { runs: options.runs ?? 500, tasks: options.tasks ?? 20_000, requestIntervalMs: 90 };
  const random = seededRandom(20_261_102);

  const setupStarted = performance.now();
  const world = createWorld(T0, random);
  const fleet = buildFleet(world, random, size);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const runs = world.activeRuns.size();
  const activeTasks = activeTaskCount(world);
  log(
    `fleet: ${runs} active runs (${fleet.kinds.sprt} SPRT, ${fleet.kinds.games} fixed games, ${fleet.kinds.spsa} SPSA), ` +
      `${activeTasks.toLocaleString('en-US')} active tasks of ${fleet.workers.toLocaleString('en-US')} distinct workers; ` +
      `built from decided events in ${setupSeconds.toFixed(1)} s`,
  );
  const perRun = world.activeRuns.runs().map((run) => run.workers).sort((a, b) => a - b);
  log(`active tasks per run: min ${perRun[0] ?? 0}, median ${perRun[Math.floor(perRun.length / 2)] ?? 0}, max ${perRun[perRun.length - 1] ?? 0}`);
  log(
    `figures per decision on one core; /s = 1e6 / mean; ${seconds} s each after a ${WARM_UP_MS} ms warm-up; ` +
      `load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores (p50 is the least sensitive to other load)`,
  );

  log('request_task, new workers (blocked/duplicate/machine-limit checks, filters of all runs, the best-ranked playable one):');
  const requested = measureRequestTask(world, random, seconds, fleet.tasks, fleet.workers, size.requestIntervalMs);
  log(formatSummary('requestTask (server path: kept fleet maps, periodic itp)', requested.decision));
  log(formatSummary('+ AssignTask decided, folded, reply, fleet maps updated', requested.withAssignment));
  log(`  measured requests: ${requested.outcomes.assigned} got a task, ${requested.outcomes.other} did not`);
  const itpRecomputedPerCall = measureItpPerCall(world, random, Math.min(1, seconds), requested.nextWorker);
  log(formatSummary('requestTask with itp recomputed per call (no itpOf)', itpRecomputedPerCall));
  const itpRefreshMs = meanMs(20, () => world.jobs.refreshItp());
  // What keeping the fleet maps saves: building them from every task, as fleetFromRuns does.
  const fleetRebuildMs = meanMs(3, () => void fleetFromRuns(world.activeRuns.runs(), (runId, taskId) => world.liveness.lastBeat(runId, taskId)));
  log(
    `  itp refresh of all runs (periodic job, every 60 s): ${itpRefreshMs.toFixed(2)} ms; ` +
      `fleet maps rebuilt from every task (fleetFromRuns): ${fleetRebuildMs.toFixed(1)} ms per rebuild`,
  );

  log('update_task, cumulative stats, spread over all active tasks:');
  const updated = measureUpdateTask(world, random, seconds, requested.nextWorker + 1_000_000);
  log(formatSummary('decideRun(UpdateTask)', updated.decision));
  log(formatSummary('+ fold, reply, event ids, fleet maps updated', updated.withBookkeeping));
  log(`  tasks completed during the measure: ${updated.completedTasks} (their workers got new tasks, untimed); runs finished: ${updated.finishedRuns}`);

  log('beat:');
  const beat = measureBeat(world, Math.min(1, seconds), updated.slots);
  log(formatSummary('beatReply + heartbeat remembered (timer overhead included)', beat));
  log(`active runs ${world.activeRuns.size()}, active tasks ${activeTaskCount(world).toLocaleString('en-US')} at the end`);

  return {
    setupSeconds,
    runs,
    activeTasks,
    requestTask: { decision: requested.decision, withAssignment: requested.withAssignment, itpRecomputedPerCall },
    itpRefreshMs,
    fleetRebuildMs,
    updateTask: {
      decision: updated.decision,
      withBookkeeping: updated.withBookkeeping,
      completedTasks: updated.completedTasks,
      finishedRuns: updated.finishedRuns,
    },
    beat,
  };
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const seconds = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  await main(seconds === undefined ? {} : { seconds });
}
