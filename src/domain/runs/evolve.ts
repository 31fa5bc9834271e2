import { emptyList } from '../shared/persistent-list.js';
import { addResults, countGames, subtractResults, ZERO_RESULTS } from '../shared/results.js';
import { fromIso, type EpochMs } from '../shared/time.js';
import { withRunChanges, type RunArgs, type SpsaState } from './args.js';
import type { ResultFlags, RunEvent } from './events.js';
import type { BadTaskState, Run, RunState, TaskState } from './state.js';

/** Applies one event. Events are facts: evolve never validates, it only folds. */
export const evolveRun = (state: RunState, event: RunEvent): RunState => {
  if (event.type === 'RunCreated') return createdRun(event.data.runId, event.data);
  if (state.kind === 'none') return state;
  const run = state;
  const at = fromIso(event.data.at);
  switch (event.type) {
    case 'RunApproved':
      return { ...run, approved: true, approver: event.data.approver };
    case 'RunUnapproved':
      return { ...run, approved: false, approver: '' };
    case 'RunModified':
      return { ...run, args: withRunChanges(run.args, event.data.changes) };
    case 'RunRevived':
      return { ...run, finished: false, deleted: false, failed: false, isGreen: false, isYellow: false };
    case 'TaskAssigned': {
      const { taskId, numGames, start, workerInfo } = event.data;
      const task: TaskState = {
        taskId,
        numGames,
        active: true,
        assignedAt: at,
        lastUpdated: at,
        start,
        stats: ZERO_RESULTS,
        workerInfo,
        bad: false,
      };
      return {
        ...run,
        tasks: run.tasks.push(task),
        activeTaskIds: [...run.activeTaskIds, taskId],
        workers: run.workers + 1,
        cores: run.cores + workerInfo.concurrency,
        committedGames: run.committedGames + numGames,
        totalGames: run.totalGames + numGames,
      };
    }
    case 'TaskResultsReported': {
      const { taskId, stats, delta, workerInfo, sprt } = event.data;
      const task = run.tasks.get(taskId);
      if (task === undefined) return run;
      const args = sprt === undefined ? run.args : { ...run.args, sprt };
      return {
        ...run,
        args,
        lastUpdated: at,
        results: addResults(run.results, delta),
        tasks: run.tasks.set(taskId, { ...task, stats, workerInfo: workerInfo ?? task.workerInfo, lastUpdated: at }),
      };
    }
    case 'TaskUpdateRejected':
    case 'TaskCompleted':
    case 'TaskFailed':
    case 'TaskDead':
    case 'RunStopRefused':
      return deactivateTask(run, event.data.taskId, at);
    case 'SpsaStepIssued': {
      const task = run.tasks.get(event.data.taskId);
      if (task === undefined) return run;
      const spsaStep = { iter: event.data.iter, flips: event.data.flips };
      return { ...run, tasks: run.tasks.set(task.taskId, { ...task, spsaStep }) };
    }
    case 'SpsaResultsApplied': {
      const spsa = run.args.spsa;
      const withoutStep = dropSpsaStep(run, event.data.taskId);
      if (spsa === undefined) return withoutStep;
      const { iter, thetas, historySample } = event.data;
      const nextSpsa: SpsaState = {
        ...spsa,
        iter,
        params: spsa.params.map((param, index) => ({ ...param, theta: thetas[index] ?? param.theta })),
        ...(historySample ? { param_history: [...(spsa.param_history ?? []), historySample] } : {}),
      };
      return { ...withoutStep, args: { ...withoutStep.args, spsa: nextSpsa } };
    }
    case 'SpsaResultsDiscarded':
      return dropSpsaStep(run, event.data.taskId);
    case 'RunStopped': {
      const stopped = finishRun(run, at, event.data.flags);
      return event.data.failed ? { ...stopped, failed: true, failures: stopped.failures + 1 } : stopped;
    }
    case 'RunFinished':
      return finishRun(run, at, event.data.flags);
    case 'RunDeleted':
      return { ...finishRun(run, at, event.data.flags), deleted: true };
    case 'RunPurged':
      return purgeTasks(run, event.data, at);
    case 'RunPurgeRefused':
    case 'WorkerLogged':
    case 'PgnUploaded':
      return run;
  }
};

const createdRun = (runId: string, data: { args: RunArgs; tcBase: number; rescheduledFrom?: string; at: string }): Run => {
  const at = fromIso(data.at);
  return {
    kind: 'run',
    runId,
    args: data.args,
    startTime: at,
    lastUpdated: at,
    tcBase: data.tcBase,
    ...(data.rescheduledFrom !== undefined ? { rescheduledFrom: data.rescheduledFrom } : {}),
    approved: false,
    approver: '',
    finished: false,
    deleted: false,
    failed: false,
    failures: 0,
    isGreen: false,
    isYellow: false,
    workers: 0,
    cores: 0,
    committedGames: 0,
    totalGames: 0,
    results: ZERO_RESULTS,
    tasks: emptyList<TaskState>(),
    badTasks: [],
    activeTaskIds: [],
  };
};

/**
 * Upstream `set_inactive_task` for each of `taskIds`: frees the tasks' unplayed games, their cores
 * and their SPSA steps. One pass whatever the count, since a finishing run stops all of its tasks.
 */
const deactivateTasks = (run: Run, taskIds: readonly number[], at: EpochMs): Run => {
  let { tasks, workers, cores, committedGames } = run;
  const stopped = new Set<number>();
  for (const taskId of taskIds) {
    const task = tasks.get(taskId);
    if (task === undefined || !task.active || stopped.has(taskId)) continue;
    const { spsaStep: _dropped, ...rest } = task;
    tasks = tasks.set(taskId, { ...rest, active: false, lastUpdated: at });
    stopped.add(taskId);
    workers -= 1;
    cores -= task.workerInfo.concurrency;
    committedGames += countGames(task.stats) - task.numGames;
  }
  if (stopped.size === 0) return run;
  return { ...run, tasks, activeTaskIds: run.activeTaskIds.filter((id) => !stopped.has(id)), workers, cores, committedGames };
};

const deactivateTask = (run: Run, taskId: number, at: EpochMs): Run => deactivateTasks(run, [taskId], at);

const dropSpsaStep = (run: Run, taskId: number): Run => {
  const task = run.tasks.get(taskId);
  if (task?.spsaStep === undefined) return run;
  const { spsaStep: _dropped, ...rest } = task;
  return { ...run, tasks: run.tasks.set(taskId, rest) };
};

/** Upstream `set_inactive_run`: every task stops, the run is finished and flagged. */
const finishRun = (run: Run, at: EpochMs, flags: ResultFlags): Run => {
  const next = deactivateTasks(run, run.activeTaskIds, at);
  return { ...next, finished: true, isGreen: flags.isGreen, isYellow: flags.isYellow };
};

/** Upstream `set_bad_task` for each purged task, then the recomputed results and SPRT state. */
const purgeTasks = (
  run: Run,
  data: Extract<RunEvent, { type: 'RunPurged' }>['data'],
  at: EpochMs,
): Run => {
  let next = run;
  const badTasks: BadTaskState[] = [...run.badTasks];
  for (const { taskId, residual, residualColor } of data.badTasks) {
    next = deactivateTask(next, taskId, at);
    const task = next.tasks.get(taskId);
    if (task === undefined || task.bad) continue;
    badTasks.push({
      taskId,
      numGames: task.numGames,
      start: task.start,
      lastUpdated: task.lastUpdated,
      stats: task.stats,
      workerInfo: task.workerInfo,
      residual,
      residualColor,
    });
    next = {
      ...next,
      committedGames: next.committedGames - countGames(task.stats),
      results: subtractResults(next.results, task.stats),
      tasks: next.tasks.set(taskId, { ...task, bad: true, stats: ZERO_RESULTS }),
    };
  }
  const args = data.sprt === undefined ? next.args : { ...next.args, sprt: data.sprt };
  return { ...next, args, badTasks, isGreen: data.flags.isGreen, isYellow: data.flags.isYellow };
};
