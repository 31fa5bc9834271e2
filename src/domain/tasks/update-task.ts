import { fold, isRejection, reject, type Decision } from '../shared/decider.js';
import { addResults, countGames, subtractResults } from '../shared/results.js';
import { toIso } from '../shared/time.js';
import { applySpsaBatch } from '../runs/adapters/spsa.js';
import { updateSprt } from '../runs/adapters/stats.js';
import type { SprtState } from '../runs/args.js';
import type { RunRejectionCode, UpdateTask } from '../runs/commands.js';
import type { RunContext } from '../runs/context.js';
import { evolveRun } from '../runs/evolve.js';
import { runEvent, type RunEvent } from '../runs/events.js';
import { stopRunEvents } from '../runs/finish.js';
import { workerMessages } from '../runs/messages.js';
import { isUndecided, type Run, type RunState } from '../runs/state.js';
import type { WorkerInfo } from '../shared/worker-info.js';
import { crashOrTimeMessage } from './crash-or-time.js';
import { findOwnedTask } from './task-ownership.js';

// Most fields are strings and numbers; only the few lists are worth serialising to compare.
const sameField = (x: unknown, y: unknown): boolean =>
  x === y || (typeof x === 'object' && typeof y === 'object' && x !== null && y !== null && JSON.stringify(x) === JSON.stringify(y));

/** Worker info rarely changes after the first update; events carry it only when it does. */
export const sameWorkerInfo = (a: WorkerInfo, b: WorkerInfo): boolean => {
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  for (const key in left) if (!sameField(left[key], right[key])) return false;
  for (const key in right) if (!(key in left) && right[key] !== undefined) return false;
  return true;
};

/** Why an update breaks the rules, in upstream's words; undefined when it is acceptable. */
const updateError = (run: Run, taskId: number, before: number, after: number, spsaGames: number): string | undefined => {
  if (after < before || (spsaGames > 0 && after <= 0) || (spsaGames > 0 && after <= before)) {
    return workerMessages.updateTaskIncompatible(run.runId, taskId, before, after, spsaGames);
  }
  // Workers only ever report whole game pairs.
  if ((after - before) % 2 !== 0) return workerMessages.updateTaskOdd(run.runId, taskId, before, after);
  if (run.args.sprt !== undefined && after % (2 * run.args.sprt.batch_size) !== 0) {
    return workerMessages.updateTaskBatch(run.runId, taskId);
  }
  return undefined;
};

/**
 * A worker's progress report. Stats are cumulative for the task: the run gains the difference.
 * A report that shrinks, is odd, or (SPRT) is not a whole number of batches stops the task.
 * The task completes when it reached its games; the SPRT is updated, and the run finishes when
 * the SPRT decided or all games are played.
 */
export const decideUpdateTask = (command: UpdateTask, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  const { runId, taskId, workerInfo, stats, spsa: spsaReport } = command.data;
  const found = findOwnedTask(state, runId, taskId, workerInfo);
  if (isRejection(found)) return found;
  const { run, task } = found;
  if (!task.active) return reject('task-inactive', workerMessages.updateTaskInactive(runId, taskId));
  const spsa = run.args.spsa;
  // Upstream fails with an internal error here (KeyError); the update is lost either way.
  if (spsa !== undefined && spsaReport === undefined) {
    return reject('spsa-results-missing', `Update_task: task ${runId}/${taskId} of an SPSA run sent no spsa results`);
  }
  const at = toIso(context.now);
  const gamesBefore = countGames(task.stats);
  const gamesAfter = countGames(stats);
  const spsaGames = spsa !== undefined && spsaReport !== undefined ? countGames(spsaReport) : 0;

  const error = updateError(run, taskId, gamesBefore, gamesAfter, spsaGames);
  if (error !== undefined) return [runEvent('TaskUpdateRejected', { runId, at, taskId, error })];

  const delta = subtractResults(stats, task.stats);
  let sprt: SprtState | undefined;
  if (run.args.sprt !== undefined) {
    const updated = updateSprt(addResults(run.results, delta), run.args.sprt);
    // Upstream raises here and the worker sees an internal error; the update is not applied.
    if (!updated.ok) return reject('statistics-failure', `Update_task: ${updated.failure.code}: ${updated.failure.detail}`);
    sprt = updated.value;
  }
  const events: RunEvent[] = [
    runEvent('TaskResultsReported', {
      runId,
      at,
      taskId,
      stats,
      delta,
      ...(sameWorkerInfo(workerInfo, task.workerInfo) ? {} : { workerInfo }),
      ...(sprt !== undefined ? { sprt } : {}),
    }),
  ];

  if (spsa !== undefined && spsaReport !== undefined && spsaGames === spsaReport.num_games && task.spsaStep !== undefined) {
    // The step is consumed whatever the outcome, so that a batch can never be applied twice.
    const outcome = applySpsaBatch(spsa, task.spsaStep, spsaReport, run.args.num_games);
    if (outcome.kind === 'applied') {
      const { kind: _applied, ...update } = outcome;
      events.push(runEvent('SpsaResultsApplied', { runId, at, taskId, ...update }));
    } else if (outcome.kind === 'signature-mismatch') {
      events.push(runEvent('SpsaResultsDiscarded', { runId, at, taskId, reason: 'signature-mismatch' }));
    } else {
      events.push(runEvent('SpsaResultsDiscarded', { runId, at, taskId, reason: 'step-failed', detail: outcome.message }));
    }
  }

  if (gamesAfter >= task.numGames) {
    const crashOrTime = crashOrTimeMessage(stats);
    events.push(runEvent('TaskCompleted', { runId, at, taskId, ...(crashOrTime !== undefined ? { crashOrTime } : {}) }));
  }

  const updated = fold<RunState, RunEvent>(evolveRun, run, events) as Run;
  if (!isUndecided(updated)) events.push(...stopRunEvents(updated, { kind: 'decision' }, context.now));
  return events;
};
