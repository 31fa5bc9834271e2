import { withRunChanges, type RunArgs, type SpsaState } from '../../domain/runs/args.js';
import type { ResultFlags, RunEvent } from '../../domain/runs/events.js';
import type { RunStatus } from '../../domain/runs/state.js';
import { addResults, countGames, ZERO_RESULTS, type Results } from '../../domain/shared/results.js';
import { estimateGameDuration } from '../../domain/shared/time-control.js';
import type { Doc } from '../../stores/documents/port.js';
import { taskDocId } from './runEventFacts.js';

/**
 * Upstream's run document without its `tasks` and `bad_tasks` arrays (those live in the tasks
 * read model, one document per task), plus a few derived fields the lists filter and sort on.
 * Times are ISO-8601 strings (they sort as text).
 */
export interface RunDocument extends Doc {
  _id: string;
  args: RunArgs;
  start_time: string;
  last_updated: string;
  tc_base: number;
  rescheduled_from?: string;
  approved: boolean;
  approver: string;
  finished: boolean;
  deleted: boolean;
  failed: boolean;
  failures: number;
  is_green: boolean;
  is_yellow: boolean;
  workers: number;
  cores: number;
  committed_games: number;
  total_games: number;
  results: Results;
  /** Σ concurrency · nps of the active tasks (upstream recomputes it every 60 s). */
  nps: number;
  games_per_minute: number;
  /** Derived: pending, paused, active, finished or failed (upstream `_classify_run_status`). */
  status: RunStatus;
  /** Derived: W + L + D. */
  games: number;
  /** Number of tasks ever assigned (task ids are 0 … tasks_count − 1). */
  tasks_count: number;
  bad_tasks_count: number;
}

/** What the run document's counters need to know about one active task: a document of its own. */
export interface TaskCounters extends Doc {
  _id: string;
  concurrency: number;
  num_games: number;
  /** W + L + D reported so far. */
  played: number;
  nps: number;
  /** The run's stop generation when the task was assigned; an older one means a run-wide stop ended it. */
  generation: number;
}

/**
 * Bookkeeping kept beside the run document (so list queries do not load it), of a fixed size
 * whatever the fleet: sums over the active tasks, which a run-wide stop needs, and the ids of tasks
 * already set aside as bad. A run-wide stop cannot name every active task's document, so it
 * bumps `generation` instead, which retires them all at once.
 */
export interface RunTaskCounters extends Doc {
  _id: string;
  generation: number;
  /** Σ num_games of the active tasks. */
  active_num_games: number;
  /** Σ played of the active tasks. */
  active_played: number;
  bad: number[];
}

/** Task id → its counters document, as stored (null: none); only the tasks an event names. */
export type TaskCountersById = Readonly<Record<string, TaskCounters | null>>;

export interface RunReadState {
  doc: RunDocument;
  counters: RunTaskCounters;
  tasks: TaskCountersById;
}

/** The task's counters while it is active; a document left from before a run-wide stop is not. */
export const activeTask = (state: RunReadState, taskId: number): TaskCounters | undefined => {
  const task = state.tasks[String(taskId)];
  return task && task.generation === state.counters.generation ? task : undefined;
};

/** The state with the task's counters set (or deleted, with null). */
const withTask = (state: RunReadState, taskId: number, task: TaskCounters | null): RunReadState => ({
  ...state,
  tasks: { ...state.tasks, [String(taskId)]: task },
});

/** Upstream's reference speed behind games_per_minute. */
const GAMES_PER_MINUTE_REFERENCE_NPS = 691_680;

const statusOf = (doc: Pick<RunDocument, 'finished' | 'failed' | 'workers' | 'approved'>): RunStatus => {
  if (doc.finished) return doc.failed ? 'failed' : 'finished';
  if (doc.workers > 0) return 'active';
  return doc.approved ? 'paused' : 'pending';
};

/**
 * One active task's share of upstream's `update_nps_gpm` (recomputed there every 60 s): its
 * nodes per second, and its games per minute.
 */
const speedOf = (args: RunArgs, task: TaskCounters): { nps: number; gpm: number } => ({
  nps: task.concurrency * task.nps,
  gpm:
    task.nps === 0
      ? 0
      : (task.nps / GAMES_PER_MINUTE_REFERENCE_NPS) * (60 / estimateGameDuration(args.tc)) * Math.floor(task.concurrency / args.threads),
});

/** Adds (`sign` 1) or removes (−1) a task's speed; kept as running sums so an update does not visit every task. */
const moveSpeed = (doc: RunDocument, task: TaskCounters, sign: 1 | -1): RunDocument => {
  const speed = speedOf(doc.args, task);
  return { ...doc, nps: doc.nps + sign * speed.nps, games_per_minute: doc.games_per_minute + sign * speed.gpm };
};

/** Recomputes the derived fields after a change. */
const settle = (state: RunReadState): RunReadState => {
  const { doc } = state;
  // Running sums of floats may keep a rounding residue: with no worker left there is no speed.
  const idle = doc.finished || doc.workers === 0;
  return {
    ...state,
    doc: {
      ...doc,
      ...(idle ? { nps: 0, games_per_minute: 0 } : {}),
      status: statusOf(doc),
      games: countGames(doc.results),
    },
  };
};

const created = (event: Extract<RunEvent, { type: 'RunCreated' }>): RunReadState => {
  const { runId, at, args, tcBase, rescheduledFrom } = event.data;
  const doc: RunDocument = {
    _id: runId,
    args,
    start_time: at,
    last_updated: at,
    tc_base: tcBase,
    ...(rescheduledFrom !== undefined ? { rescheduled_from: rescheduledFrom } : {}),
    approved: false,
    approver: '',
    finished: false,
    deleted: false,
    failed: false,
    failures: 0,
    is_green: false,
    is_yellow: false,
    workers: 0,
    cores: 0,
    committed_games: 0,
    total_games: 0,
    results: ZERO_RESULTS,
    nps: 0,
    games_per_minute: 0,
    status: 'pending',
    games: 0,
    tasks_count: 0,
    bad_tasks_count: 0,
  };
  return { doc, counters: { _id: runId, generation: 0, active_num_games: 0, active_played: 0, bad: [] }, tasks: {} };
};

/** Upstream `set_inactive_task`: the task's unplayed games and its cores are freed. */
const stopTask = (state: RunReadState, taskId: number): RunReadState => {
  const task = activeTask(state, taskId);
  if (task === undefined) return state;
  const doc = moveSpeed(state.doc, task, -1);
  const { counters } = state;
  return withTask(
    {
      doc: {
        ...doc,
        workers: doc.workers - 1,
        cores: doc.cores - task.concurrency,
        committed_games: doc.committed_games + task.played - task.num_games,
      },
      counters: {
        ...counters,
        active_num_games: counters.active_num_games - task.num_games,
        active_played: counters.active_played - task.played,
      },
      tasks: state.tasks,
    },
    taskId,
    null,
  );
};

/** Upstream `set_inactive_run`: every active task stops at once. */
const stopAllTasks = (state: RunReadState): RunReadState => {
  const { doc, counters } = state;
  return {
    doc: {
      ...doc,
      workers: 0,
      cores: 0,
      committed_games: doc.committed_games - (counters.active_num_games - counters.active_played),
    },
    counters: { ...counters, generation: counters.generation + 1, active_num_games: 0, active_played: 0 },
    tasks: state.tasks,
  };
};

/** A run that stops for good: its tasks stop, and it shows finished with the final colours. */
const finishRun = (
  state: RunReadState,
  flags: ResultFlags,
  extra: (doc: RunDocument) => Partial<RunDocument> = () => ({}),
): RunReadState => {
  const stopped = stopAllTasks(state);
  return settle({
    ...stopped,
    doc: { ...stopped.doc, finished: true, is_green: flags.isGreen, is_yellow: flags.isYellow, ...extra(stopped.doc) },
  });
};

const withSpsa = (args: RunArgs, data: Extract<RunEvent, { type: 'SpsaResultsApplied' }>['data']): RunArgs => {
  const spsa = args.spsa;
  if (spsa === undefined) return args;
  const next: SpsaState = {
    ...spsa,
    iter: data.iter,
    params: spsa.params.map((param, index) => ({ ...param, theta: data.thetas[index] ?? param.theta })),
    ...(data.historySample ? { param_history: [...(spsa.param_history ?? []), data.historySample] } : {}),
  };
  return { ...args, spsa: next };
};

/**
 * Folds one run event into the run's read documents, following the run aggregate's `evolveRun`
 * without holding its tasks: counters move by what the event and the active tasks say. Null
 * before the run exists.
 */
export const evolveRunRead = (state: RunReadState | null, event: RunEvent): RunReadState | null => {
  if (event.type === 'RunCreated') return settle(created(event));
  if (state === null) return null;
  const { doc } = state;
  switch (event.type) {
    case 'RunApproved':
      return settle({ ...state, doc: { ...doc, approved: true, approver: event.data.approver } });
    case 'RunUnapproved':
      return settle({ ...state, doc: { ...doc, approved: false, approver: '' } });
    case 'RunModified':
      return settle({ ...state, doc: { ...doc, args: withRunChanges(doc.args, event.data.changes) } });
    case 'RunRevived':
      return settle({
        ...state,
        doc: { ...doc, finished: false, deleted: false, failed: false, is_green: false, is_yellow: false },
      });
    case 'TaskAssigned': {
      const { taskId, numGames, workerInfo } = event.data;
      const { counters } = state;
      const task: TaskCounters = {
        _id: taskDocId(doc._id, taskId),
        concurrency: workerInfo.concurrency,
        num_games: numGames,
        played: 0,
        nps: workerInfo.nps,
        generation: counters.generation,
      };
      const faster = moveSpeed(doc, task, 1);
      return settle(withTask({
        doc: {
          ...faster,
          workers: faster.workers + 1,
          cores: faster.cores + workerInfo.concurrency,
          committed_games: faster.committed_games + numGames,
          total_games: faster.total_games + numGames,
          tasks_count: Math.max(faster.tasks_count, taskId + 1),
        },
        counters: { ...counters, active_num_games: counters.active_num_games + numGames },
        tasks: state.tasks,
      }, taskId, task));
    }
    case 'TaskResultsReported': {
      const { taskId, stats, delta, workerInfo, sprt } = event.data;
      if (taskId < 0 || taskId >= doc.tasks_count) return state;
      const task = activeTask(state, taskId);
      const updated = task ? { ...task, played: countGames(stats), nps: workerInfo?.nps ?? task.nps } : undefined;
      const resped = task && updated && updated.nps !== task.nps ? moveSpeed(moveSpeed(doc, task, -1), updated, 1) : doc;
      const next: RunReadState = {
        doc: {
          ...resped,
          args: sprt === undefined ? doc.args : { ...doc.args, sprt },
          last_updated: event.data.at,
          results: addResults(doc.results, delta),
        },
        counters:
          task && updated
            ? { ...state.counters, active_played: state.counters.active_played + updated.played - task.played }
            : state.counters,
        tasks: state.tasks,
      };
      return settle(updated ? withTask(next, taskId, updated) : next);
    }
    case 'TaskUpdateRejected':
    case 'TaskCompleted':
    case 'TaskFailed':
    case 'TaskDead':
    case 'RunStopRefused':
      return settle(stopTask(state, event.data.taskId));
    case 'SpsaResultsApplied':
      return settle({ ...state, doc: { ...doc, args: withSpsa(doc.args, event.data) } });
    case 'RunStopped': {
      const { failed } = event.data;
      return finishRun(state, event.data.flags, (doc) => (failed ? { failed: true, failures: doc.failures + 1 } : {}));
    }
    case 'RunFinished':
      return finishRun(state, event.data.flags);
    case 'RunDeleted':
      return finishRun(state, event.data.flags, () => ({ deleted: true }));
    case 'RunPurged': {
      let next = state;
      const bad = [...state.counters.bad];
      for (const { taskId } of event.data.badTasks) {
        next = stopTask(next, taskId);
        if (taskId >= 0 && taskId < doc.tasks_count && !bad.includes(taskId)) bad.push(taskId);
      }
      const { results, sprt, flags } = event.data;
      // committed = Σ played of inactive tasks + Σ num_games of active ones, and the purged results
      // are Σ played of the good tasks; so it follows from the results and the active tasks alone.
      const activeReserve = next.counters.active_num_games - next.counters.active_played;
      return settle({
        doc: {
          ...next.doc,
          args: sprt === undefined ? next.doc.args : { ...next.doc.args, sprt },
          results,
          committed_games: countGames(results) + activeReserve,
          is_green: flags.isGreen,
          is_yellow: flags.isYellow,
          bad_tasks_count: bad.length,
        },
        counters: { ...next.counters, bad },
        tasks: next.tasks,
      });
    }
    case 'SpsaStepIssued':
    case 'SpsaResultsDiscarded':
    case 'RunPurgeRefused':
    case 'WorkerLogged':
    case 'PgnUploaded':
      return state;
  }
};
