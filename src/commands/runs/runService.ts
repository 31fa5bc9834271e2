import type { EventContext, EventStore } from '../../stores/events/port.js';
import { ANY } from '../../stores/events/port.js';
import type { DocumentCollection } from '../../stores/documents/port.js';
import { fold, isRejection } from '../../domain/shared/decider.js';
import { LIMITS } from '../../domain/shared/constants.js';
import type { Results } from '../../domain/shared/results.js';
import { resultsEqual } from '../../domain/shared/results.js';
import { toIso } from '../../domain/shared/time.js';
import { shortWorkerName, workerName, type WorkerInfo } from '../../domain/shared/worker-info.js';
import type { CreateRun, ModifyRun, RunCommand, SpsaBatchReport } from '../../domain/runs/commands.js';
import type { RunSubmission, SubmissionFacts } from '../../domain/runs/create/submission.js';
import { decideRun } from '../../domain/runs/decider.js';
import { evolveRun } from '../../domain/runs/evolve.js';
import type { RunEvent } from '../../domain/runs/events.js';
import type { Run, RunState } from '../../domain/runs/state.js';
import type { ArchMatcher } from '../../domain/scheduling/arch-filter.js';
import {
  beatReply,
  failedTaskReply,
  requestSpsaReply,
  stopRunReply,
  updateTaskReply,
  type EnvelopeError,
  type TaskAliveReply,
} from '../../domain/tasks/replies.js';
import type { SpsaWorkerStep } from '../../domain/runs/adapters/spsa.js';
import type { SnapshotDoc } from '../aggregateStore.js';
import type { Outcome } from '../streamCommandQueue.js';
import { createActiveRuns } from './activeRuns.js';
import { systemClock, type Clock } from './clock.js';
import { updateTaskEventIds } from './eventIds.js';
import { createLiveness } from './liveness.js';
import { createPeriodicJobs, type PeriodicJobs, type RunSpeed } from './periodicJobs.js';
import { createRunCache } from './runCache.js';
import { createRunFollower } from './runFollower.js';
import { newRunId } from './runIds.js';
import { createScheduler, type RequestTaskReply, type TaskRequestInput } from './scheduler.js';
import { createBlockedWorkers, workerStreamName, type WorkerLoggedData } from './workerStreams.js';

/** What a worker request names once validated: the run, the task, and the worker as the task knows it. */
export interface TaskRequestRef {
  readonly runId: string;
  readonly taskId: number;
  /** The request's worker info with the task's `remote_addr` and the request's `country_code`. */
  readonly worker: WorkerInfo;
}

export type EmptyReply = Record<string, never>;

/** Who acts on a run from the UI: the user, and whether they are an approver. */
export interface Caller {
  readonly by: string;
  readonly isApprover: boolean;
}

/** The modify form's raw values (see `ModifyRun`). */
export type ModifyFields = Omit<ModifyRun['data'], 'runId' | 'by' | 'isApprover'>;
export type SpsaReply = (SpsaWorkerStep & { task_alive: true }) | TaskAliveReply | EnvelopeError;

export interface RunService {
  /** Loads the unfinished runs, follows the log, starts the periodic jobs. */
  start(): Promise<void>;
  stop(): Promise<void>;

  /** A run as this process knows it (`kind: 'none'` when it does not exist). */
  getRun(runId: string): Promise<RunState>;
  /** The unfinished runs. */
  unfinishedRuns(): Run[];
  /** nps and games per minute of an unfinished run, as of the last periodic refresh. */
  speedOf(runId: string): RunSpeed | undefined;
  /** Resolves true once events up to `position` written by any process have reached the scheduler. */
  caughtUp(position: bigint, timeoutMs?: number): Promise<boolean>;

  /** A new run with a fresh id; the reply is the id. */
  createRun(input: { submission: RunSubmission; facts: SubmissionFacts }, context: EventContext): Promise<Outcome<string>>;
  /** Any run command of the UI (approve, modify, stop, delete, purge); the reply is the run after it. */
  execute(command: Exclude<RunCommand, CreateRun>, context: EventContext): Promise<Outcome<RunState>>;
  approveRun(runId: string, caller: Caller, context: EventContext): Promise<Outcome<RunState>>;
  modifyRun(runId: string, changes: Caller & ModifyFields, context: EventContext): Promise<Outcome<RunState>>;
  stopRun(runId: string, caller: Caller, context: EventContext): Promise<Outcome<RunState>>;
  deleteRun(runId: string, caller: Caller, context: EventContext): Promise<Outcome<RunState>>;
  purgeRun(runId: string, caller: Caller, context: EventContext): Promise<Outcome<RunState>>;

  requestTask(input: TaskRequestInput): Promise<RequestTaskReply>;
  updateTask(
    input: TaskRequestRef & { readonly stats: Results; readonly spsa?: SpsaBatchReport },
    context: EventContext,
  ): Promise<TaskAliveReply | EnvelopeError>;
  beat(input: TaskRequestRef): Promise<TaskAliveReply>;
  requestSpsa(input: TaskRequestRef, context: EventContext): Promise<SpsaReply>;
  failTask(input: TaskRequestRef & { readonly message: string }, context: EventContext): Promise<EmptyReply | TaskAliveReply | EnvelopeError>;
  stopRunFromWorker(input: TaskRequestRef & { readonly message: string }, context: EventContext): Promise<EmptyReply | EnvelopeError>;
  /** worker_log: on the run's stream when it names a task, else on the worker's stream. */
  logWorkerMessage(
    input: { readonly worker: WorkerInfo; readonly message: string; readonly task?: { runId: string; taskId: number } },
    context: EventContext,
  ): Promise<EmptyReply | EnvelopeError>;
  recordPgnUpload(input: TaskRequestRef & { readonly size: number; readonly blobId: string }, context: EventContext): Promise<EmptyReply | EnvelopeError>;

  readonly jobs: PeriodicJobs;
}

export interface RunServiceOptions {
  eventStore: EventStore;
  /** Where snapshots of long run streams and the scheduler's start-up checkpoint are kept (a cache: the read store). */
  snapshots?: DocumentCollection<SnapshotDoc>;
  clock?: Clock;
  /** Uniform in [0, 1), for SPSA flips. */
  random?: () => number;
  /** request_task calls handled at once before "too busy" (upstream: 5). */
  requestTaskConcurrency?: number;
  /** Per-IP limit of active tasks of a user (upstream's `machine_limit`, default 16). */
  machineLimitOf?: (username: string) => number | Promise<number>;
  /** The user's CPU hours for the worker's stop_run (−1 when unknown, like upstream's missing cache entry). */
  cpuHoursOf?: (username: string) => number | Promise<number>;
  bookSriOf?: (book: string) => string | undefined;
  matchArch?: ArchMatcher;
  maxCachedRuns?: number;
  /** Interval of the scavenger, itp and speed jobs (60 s). */
  jobIntervalMs?: number;
  onError?: (error: unknown, where: string) => void;
  onDiagnostic?: (message: string) => void;
}

const envelopeError = (status: 400 | 401 | 500, error: string): EnvelopeError => ({ envelope: true, status, error });

const rejectionError = (message: string): EnvelopeError => envelopeError(400, message);

export const createRunService = (options: RunServiceOptions): RunService => {
  const { eventStore } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const startedAt = clock();
  const cache = createRunCache({
    eventStore,
    ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    ...(options.maxCachedRuns === undefined ? {} : { maxCached: options.maxCachedRuns }),
    onError: (error, runId) => options.onError?.(error, `run ${runId}`),
  });
  const liveness = createLiveness(startedAt);
  const activeRuns = createActiveRuns({ onTaskStopped: (runId, taskId) => liveness.forget(runId, taskId) });
  cache.onChange((runId, state) => activeRuns.apply(runId, state));
  const blockedWorkers = createBlockedWorkers();
  const follower = createRunFollower({
    eventStore,
    cache,
    blockedWorkers,
    ...(options.snapshots ? { checkpoints: options.snapshots } : {}),
    onError: (error) => options.onError?.(error, 'run follower'),
  });
  const jobs = createPeriodicJobs({
    cache,
    activeRuns,
    liveness,
    clock,
    ...(options.jobIntervalMs === undefined ? {} : { intervalMs: options.jobIntervalMs }),
    onError: (error, job) => options.onError?.(error, job),
  });
  const scheduler = createScheduler({
    cache,
    activeRuns,
    liveness,
    blockedWorkers,
    clock,
    concurrency: options.requestTaskConcurrency ?? 5,
    machineLimitOf: options.machineLimitOf ?? (() => LIMITS.defaultMachineLimit),
    bookSriOf: options.bookSriOf ?? (() => undefined),
    itpOf: (run) => jobs.itpOf(run),
    ...(options.matchArch ? { matchArch: options.matchArch } : {}),
    onDiagnostic: (message, error) => (error === undefined ? options.onDiagnostic?.(message) : options.onError?.(error, message)),
  });

  const runContext = () => ({ now: clock(), random, ...(options.matchArch ? { matchArch: options.matchArch } : {}) });

  /** Decides `command` on the run's current state; `reply` sees the events and the states around them. */
  const decide = <Reply>(
    command: RunCommand,
    context: EventContext,
    reply: (events: readonly RunEvent[], after: RunState, before: RunState) => Reply,
  ): Promise<Outcome<Reply>> =>
    cache.submit<Reply>(
      command.data.runId,
      (state) => {
        const decision = decideRun(command, state, runContext());
        if (isRejection(decision)) return decision;
        return { events: decision, reply: reply(decision, fold<RunState, RunEvent>(evolveRun, state, decision), state) };
      },
      context,
    );

  const requestedBy = (worker: WorkerInfo) => ({ unique_key: worker.unique_key, username: worker.username });

  return {
    async start() {
      await follower.start();
      jobs.start();
    },
    async stop() {
      await jobs.stop();
      await follower.stop();
      await cache.drain();
    },

    getRun: (runId) => cache.load(runId),
    unfinishedRuns: () => activeRuns.runs(),
    speedOf: (runId) => jobs.speedOf(runId),
    caughtUp: (position, timeoutMs) => follower.caughtUp(position, timeoutMs),

    createRun({ submission, facts }, context) {
      const runId = newRunId(clock());
      return decide({ type: 'CreateRun', data: { runId, submission, facts } }, context, () => runId);
    },
    execute: (command, context) => decide(command, context, (_events, after) => after),
    approveRun: (runId, caller, context) => decide({ type: 'ApproveRun', data: { runId, ...caller } }, context, (_events, after) => after),
    modifyRun: (runId, changes, context) => decide({ type: 'ModifyRun', data: { runId, ...changes } }, context, (_events, after) => after),
    stopRun: (runId, caller, context) => decide({ type: 'StopRun', data: { runId, ...caller } }, context, (_events, after) => after),
    deleteRun: (runId, caller, context) => decide({ type: 'DeleteRun', data: { runId, ...caller } }, context, (_events, after) => after),
    purgeRun: (runId, caller, context) => decide({ type: 'PurgeRun', data: { runId, ...caller } }, context, (_events, after) => after),

    requestTask: (input) => scheduler.requestTask(input),

    async updateTask(input, context) {
      const { runId, taskId, worker, stats, spsa } = input;
      const command: RunCommand = { type: 'UpdateTask', data: { runId, taskId, workerInfo: worker, stats, ...(spsa ? { spsa } : {}) } };
      const outcome = await cache.submit<TaskAliveReply | EnvelopeError>(
        runId,
        (state) => {
          const task = state.kind === 'run' ? state.tasks.get(taskId) : undefined;
          // The same cumulative results again: a retried request whose first attempt was applied.
          if (task !== undefined && task.active && resultsEqual(task.stats, stats)) {
            liveness.touch(runId, taskId, clock());
            return { events: [], reply: { task_alive: true } };
          }
          const decision = decideRun(command, state, runContext());
          if (isRejection(decision)) return decision;
          const after = fold<RunState, RunEvent>(evolveRun, state, decision);
          return {
            events: decision,
            reply: updateTaskReply(decision, after, taskId),
            eventIds: updateTaskEventIds(runId, taskId, stats, decision.length),
          };
        },
        context,
      );
      return outcome.kind === 'accepted' ? outcome.reply : updateTaskReply(outcome, { kind: 'none' }, taskId);
    },

    async beat({ runId, taskId }) {
      const state = await cache.load(runId);
      const reply = beatReply(state, taskId);
      if (reply.task_alive) liveness.touch(runId, taskId, clock());
      return reply;
    },

    async requestSpsa({ runId, taskId, worker }, context) {
      const outcome = await decide<SpsaReply>(
        { type: 'RequestSpsaStep', data: { runId, taskId, requestedBy: requestedBy(worker) } },
        context,
        (events, _after, before) => requestSpsaReply(events, before),
      );
      return outcome.kind === 'accepted' ? outcome.reply : requestSpsaReply(outcome, { kind: 'none' });
    },

    async failTask({ runId, taskId, worker, message }, context) {
      const outcome = await decide(
        { type: 'FailTask', data: { runId, taskId, message, requestedBy: requestedBy(worker) } },
        context,
        (events) => failedTaskReply(events),
      );
      return outcome.kind === 'accepted' ? outcome.reply : failedTaskReply(outcome);
    },

    async stopRunFromWorker({ runId, taskId, worker, message }, context) {
      const cpuHours = options.cpuHoursOf ? await options.cpuHoursOf(worker.username) : -1;
      const outcome = await decide(
        { type: 'StopRunFromWorker', data: { runId, taskId, workerInfo: worker, message, cpuHours } },
        context,
        (events) => stopRunReply(events, worker.username),
      );
      return outcome.kind === 'accepted' ? outcome.reply : stopRunReply(outcome, worker.username);
    },

    async logWorkerMessage({ worker, message, task }, context) {
      if (task === undefined) {
        const data: WorkerLoggedData = {
          username: worker.username,
          workerName: workerName(worker),
          message: message.slice(0, LIMITS.actionMessageSize),
          at: toIso(clock()),
        };
        await eventStore.append(workerStreamName(shortWorkerName(worker)), [{ type: 'WorkerLogged', data, metadata: context }], ANY);
        return {};
      }
      const outcome = await decide(
        { type: 'LogWorkerMessage', data: { runId: task.runId, taskId: task.taskId, workerInfo: worker, message } },
        context,
        (): EmptyReply => ({}),
      );
      return outcome.kind === 'accepted' ? outcome.reply : rejectionError(outcome.message);
    },

    async recordPgnUpload({ runId, taskId, worker, size, blobId }, context) {
      const outcome = await decide(
        { type: 'RecordPgnUpload', data: { runId, taskId, size, blobId, requestedBy: requestedBy(worker) } },
        context,
        (): EmptyReply => ({}),
      );
      return outcome.kind === 'accepted' ? outcome.reply : rejectionError(outcome.message);
    },

    jobs,
  };
};
