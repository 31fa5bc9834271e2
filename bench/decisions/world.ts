/**
 * The server's in-memory side of the run domain, without HTTP and without the event store: the
 * latest state of each run (what the run cache holds), the scheduler's index of unfinished runs
 * with its incremental fleet maps (`createActiveRuns`, told of every new state as the run cache
 * does), heartbeats (`createLiveness`) and the periodic itp (`createPeriodicJobs`, refreshed
 * by hand on the benchmark's clock instead of a timer).
 */
import { createActiveRuns, type ActiveRuns } from '../../src/commands/runs/activeRuns.js';
import { createLiveness, type Liveness } from '../../src/commands/runs/liveness.js';
import { createPeriodicJobs, type PeriodicJobs } from '../../src/commands/runs/periodicJobs.js';
import type { RunCache } from '../../src/commands/runs/runCache.js';
import type { RunCommand } from '../../src/domain/runs/commands.js';
import type { RunContext } from '../../src/domain/runs/context.js';
import { decideRun } from '../../src/domain/runs/decider.js';
import { evolveRun } from '../../src/domain/runs/evolve.js';
import type { RunEvent } from '../../src/domain/runs/events.js';
import type { Run, RunState } from '../../src/domain/runs/state.js';
import { defaultArchMatcher } from '../../src/domain/scheduling/arch-filter.js';
import { requestTask, type TaskRequestOutcome } from '../../src/domain/scheduling/request-task.js';
import { LIMITS } from '../../src/domain/shared/constants.js';
import { fold, isRejection } from '../../src/domain/shared/decider.js';
import type { EpochMs } from '../../src/domain/shared/time.js';
import type { WorkerInfo } from '../../src/domain/shared/worker-info.js';
import { taskAssignedReply } from '../../src/domain/tasks/replies.js';
import type { Random } from './random.js';

export interface TaskRef {
  readonly runId: string;
  readonly taskId: number;
  readonly worker: WorkerInfo;
}

export type Assignment = Extract<TaskRequestOutcome, { kind: 'assign' }>;

export interface World {
  readonly activeRuns: ActiveRuns;
  readonly liveness: Liveness;
  readonly jobs: PeriodicJobs;
  now(): EpochMs;
  advance(ms: number): void;
  context(): RunContext;
  /** The run's latest state (the run cache's, always in memory here). */
  state(runId: string): RunState;
  /** What the run cache does with a newer state: keep it and hand it to the scheduler's index. */
  commit(runId: string, state: RunState): void;
  /** Decides, folds and commits; a rejection is a bug of the benchmark. */
  apply(command: RunCommand): { events: readonly RunEvent[]; after: RunState };
  /** The scheduler's choice (`Scheduler.requestTask` up to the domain call), as the server makes it. */
  chooseRun(worker: WorkerInfo): TaskRequestOutcome;
  /** The scheduler's assignment on the chosen run: AssignTask decided, folded, reply built, state committed. */
  assign(assignment: Assignment, worker: WorkerInfo): TaskRef | undefined;
  /** Both: a worker asking for a task. */
  schedule(worker: WorkerInfo): TaskRef | undefined;
  /** Every active task, as references. */
  activeTasks(): TaskRef[];
}

// The benchmark never scavenges, so the periodic jobs never reach the run cache.
const noRunCache: RunCache = {
  load: () => Promise.reject(new Error('no run cache in the decisions benchmark')),
  submit: () => Promise.reject(new Error('no run cache in the decisions benchmark')),
  catchUp: () => Promise.resolve(),
  onChange: () => () => undefined,
  drain: () => Promise.resolve(),
};

export const createWorld = (start: EpochMs, random: Random): World => {
  let now = start;
  const states = new Map<string, RunState>();
  const liveness = createLiveness(start);
  const activeRuns = createActiveRuns({ onTaskStopped: (runId, taskId) => liveness.forget(runId, taskId) });
  const jobs = createPeriodicJobs({ cache: noRunCache, activeRuns, liveness, clock: () => now });
  const lastBeat = (runId: string, taskId: number) => liveness.lastBeat(runId, taskId);
  const context = (): RunContext => ({ now, random, matchArch: defaultArchMatcher });

  const world: World = {
    activeRuns,
    liveness,
    jobs,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    context,
    state: (runId) => states.get(runId) ?? { kind: 'none' },
    commit(runId, state) {
      states.set(runId, state);
      activeRuns.apply(runId, state);
    },
    apply(command) {
      const before = world.state(command.data.runId);
      const decision = decideRun(command, before, context());
      if (isRejection(decision)) throw new Error(`${command.type} rejected: ${decision.code}: ${decision.message}`);
      const after = fold<RunState, RunEvent>(evolveRun, before, decision);
      world.commit(command.data.runId, after);
      return { events: decision, after };
    },
    chooseRun: (worker) =>
      requestTask({
        worker,
        now,
        runs: activeRuns.runs(),
        fleet: activeRuns.fleet(lastBeat),
        machineLimit: LIMITS.defaultMachineLimit,
        hostUrl: 'https://tests.example',
        itpOf: jobs.itpOf,
        matchArch: defaultArchMatcher,
      }),
    assign(assignment, worker) {
      const before = world.state(assignment.runId);
      const decision = decideRun(assignment.command, before, context());
      if (isRejection(decision)) return undefined;
      const after = fold<RunState, RunEvent>(evolveRun, before, decision);
      const event = decision.find((candidate) => candidate.type === 'TaskAssigned');
      const taskId = event?.type === 'TaskAssigned' ? event.data.taskId : -1;
      const reply = taskAssignedReply(after, taskId);
      world.commit(assignment.runId, after);
      return reply === undefined ? undefined : { runId: assignment.runId, taskId, worker };
    },
    schedule(worker) {
      const outcome = world.chooseRun(worker);
      return outcome.kind === 'assign' ? world.assign(outcome, worker) : undefined;
    },
    activeTasks() {
      const refs: TaskRef[] = [];
      for (const run of activeRuns.runs()) {
        for (const taskId of run.activeTaskIds) {
          const task = run.tasks.get(taskId);
          if (task !== undefined) refs.push({ runId: run.runId, taskId, worker: task.workerInfo });
        }
      }
      return refs;
    },
  };
  return world;
};

export const runOf = (state: RunState): Run => {
  if (state.kind !== 'run') throw new Error('no such run');
  return state;
};
