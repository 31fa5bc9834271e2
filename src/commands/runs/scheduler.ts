import type { EventContext } from '../../stores/events/port.js';
import { fold, isRejection } from '../../domain/shared/decider.js';
import { decideRun } from '../../domain/runs/decider.js';
import { evolveRun } from '../../domain/runs/evolve.js';
import type { RunEvent } from '../../domain/runs/events.js';
import { workerMessages } from '../../domain/runs/messages.js';
import type { Run, RunState } from '../../domain/runs/state.js';
import type { ArchMatcher } from '../../domain/scheduling/arch-filter.js';
import { requestTask } from '../../domain/scheduling/request-task.js';
import { shortWorkerName, type WorkerInfo } from '../../domain/shared/worker-info.js';
import { taskAssignedReply, type TaskAssignedReply } from '../../domain/tasks/replies.js';
import type { ActiveRuns } from './activeRuns.js';
import { createAdmissionGate } from './admissionGate.js';
import type { Clock } from './clock.js';
import type { Liveness } from './liveness.js';
import type { RunCache } from './runCache.js';
import { createSerialExecutor } from './serialExecutor.js';
import type { BlockedWorkers } from './workerStreams.js';

export type NoTaskReply = { readonly task_waiting: false; readonly error?: string; readonly info?: string };
export type RequestTaskReply = TaskAssignedReply | NoTaskReply;

export interface TaskRequestInput {
  /** Validated worker info with `remote_addr` and `country_code`. */
  readonly worker: WorkerInfo;
  /** Base URL of this server, for the blocked-worker banner. */
  readonly hostUrl: string;
  readonly context: EventContext;
}

export interface Scheduler {
  requestTask(input: TaskRequestInput): Promise<RequestTaskReply>;
  /** request_task calls admitted and not answered yet. */
  inFlight(): number;
}

export interface SchedulerOptions {
  cache: RunCache;
  activeRuns: ActiveRuns;
  liveness: Liveness;
  blockedWorkers: BlockedWorkers;
  clock: Clock;
  /** More request_task calls than this at once are answered "too busy". */
  concurrency: number;
  machineLimitOf: (username: string) => number | Promise<number>;
  /** SRI of an opening book, when known (upstream gets it from the books repository). */
  bookSriOf: (book: string) => string | undefined;
  itpOf: (run: Run) => number;
  matchArch?: ArchMatcher;
  /** A task that could not be failed, an arch filter that could not be evaluated. */
  onDiagnostic?: (message: string, error?: unknown) => void;
}

const noop = (): void => undefined;

const waiting = (extra: { error?: string; info?: string } = {}): NoTaskReply => ({ task_waiting: false, ...extra });

/**
 * request_task as one decision over all unfinished runs at a time (upstream's global lock): the
 * domain's pure choice over the in-memory index, then the TaskAssigned through the run's queue,
 * which checks again that the run still needs games (a lost race gets upstream's "alas").
 */
export const createScheduler = (options: SchedulerOptions): Scheduler => {
  const { cache, activeRuns, liveness, blockedWorkers, clock } = options;
  const gate = createAdmissionGate(options.concurrency);
  const serial = createSerialExecutor();
  const lastBeat = (runId: string, taskId: number) => liveness.lastBeat(runId, taskId);

  const failStaleTask = (runId: string, taskId: number, context: EventContext): void => {
    cache
      .submit<null>(
        runId,
        (state) => {
          const decision = decideRun(
            { type: 'FailTask', data: { runId, taskId, message: workerMessages.staleActiveTask } },
            state,
            { now: clock() },
          );
          return isRejection(decision) ? decision : { events: decision, reply: null };
        },
        context,
      )
      .catch((err: unknown) => options.onDiagnostic?.(`failing stale task ${runId}/${taskId} failed`, err));
  };

  /**
   * The choice and the run's decision, inside the global section. The reply waits for the durable
   * append outside it: the run cache shows the decided state to the index at once (and takes it
   * back if the append fails), so the next request is decided on it without waiting for the disk.
   */
  const assign = async (input: TaskRequestInput, machineLimit: number): Promise<{ reply: Promise<RequestTaskReply> }> => {
    const { worker } = input;
    const blocked = blockedWorkers.get(shortWorkerName(worker));
    const outcome = requestTask({
      worker,
      now: clock(),
      runs: activeRuns.runs(),
      fleet: activeRuns.fleet(lastBeat),
      ...(blocked === undefined ? {} : { blocked }),
      machineLimit,
      hostUrl: input.hostUrl,
      itpOf: options.itpOf,
      ...(options.matchArch ? { matchArch: options.matchArch } : {}),
    });
    if (outcome.kind === 'refused') return { reply: Promise.resolve(waiting({ error: outcome.error })) };
    for (const diagnostic of outcome.diagnostics) options.onDiagnostic?.(diagnostic);
    if (outcome.kind === 'no-run') return { reply: Promise.resolve(waiting()) };

    const bookSri = (run: RunState): string | undefined => (run.kind === 'run' ? options.bookSriOf(run.args.book) : undefined);
    let markDecided = (): void => undefined;
    const decided = new Promise<void>((resolve) => (markDecided = resolve));
    const submitted = cache.submit<TaskAssignedReply | undefined>(
      outcome.runId,
      (state) => {
        // Resolved here, its continuation runs only after the queue has published the decision.
        markDecided();
        const decision = decideRun(outcome.command, state, { now: clock() });
        if (isRejection(decision)) return decision;
        const after = fold<RunState, RunEvent>(evolveRun, state, decision);
        const event = decision.find((candidate) => candidate.type === 'TaskAssigned');
        const taskId = event?.type === 'TaskAssigned' ? event.data.taskId : -1;
        return { events: decision, reply: taskAssignedReply(after, taskId, bookSri(after)) };
      },
      input.context,
    );
    const staleTask = outcome.staleTask;
    const reply = submitted.then((assigned) => {
      if (assigned.kind === 'rejection') {
        return waiting(assigned.code === 'run-not-needing-games' ? { info: assigned.message } : {});
      }
      if (staleTask) failStaleTask(staleTask.runId, staleTask.taskId, input.context);
      return assigned.reply ?? waiting();
    });
    await Promise.race([decided, reply.then(noop, noop)]);
    return { reply };
  };

  return {
    async requestTask(input) {
      const leave = gate.tryEnter();
      if (leave === undefined) return waiting({ info: workerMessages.tooBusy });
      try {
        const machineLimit = await options.machineLimitOf(input.worker.username);
        const { reply } = await serial.run(() => assign(input, machineLimit));
        return await reply;
      } finally {
        leave();
      }
    },
    inFlight: () => gate.inside(),
  };
};
