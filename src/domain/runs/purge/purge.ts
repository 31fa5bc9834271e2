import { PURGE_THRESHOLDS } from '../../shared/constants.js';
import { sumResults, type Results } from '../../shared/results.js';
import { elapsedWholeDays, type EpochMs } from '../../shared/time.js';
import { isCrashOrTime } from '../../tasks/crash-or-time.js';
import { updateSprt } from '../adapters/stats.js';
import type { SprtState } from '../args.js';
import type { PurgedTask } from '../events.js';
import { lifecycleMessages } from '../messages.js';
import { isUndecided, type Run, type TaskState } from '../state.js';
import { chi2OfTasks, findBadWorkers, residualToColor } from './chi2.js';

export type PurgeMode = keyof typeof PURGE_THRESHOLDS;

export type PurgeOutcome =
  | { readonly performed: false; readonly reason: string }
  | {
      readonly performed: true;
      readonly badTasks: readonly PurgedTask[];
      readonly results: Results;
      readonly sprt?: SprtState;
      /** The purge removed enough games that the run must play on. */
      readonly revives: boolean;
    };

/**
 * Upstream `purge_run` as a pure computation: which tasks of a finished run are bad (too many
 * crashes or time losses, then workers whose results disagree with the others by the χ²
 * test), and what the run's results and SPRT become without them.
 */
export const planPurge = (run: Run, mode: PurgeMode, now: EpochMs): PurgeOutcome => {
  if (!run.finished) return { performed: false, reason: lifecycleMessages.purgeNotFinished };
  if (elapsedWholeDays(run.startTime, now) > 30) return { performed: false, reason: lifecycleMessages.purgeTooOld };
  if (run.failed) return { performed: false, reason: lifecycleMessages.purgeFailed };
  const thresholds = PURGE_THRESHOLDS[mode];

  const badTasks: PurgedTask[] = [];
  const condemned = new Set<number>();
  for (const task of run.tasks) {
    if (task.bad || !isCrashOrTime(task.stats)) continue;
    badTasks.push({ taskId: task.taskId, residual: 10.0, residualColor: 'red' });
    condemned.add(task.taskId);
  }

  // The χ² test runs on the tasks that are still good.
  const remaining: TaskState[] = [];
  for (const task of run.tasks) remaining.push(condemned.has(task.taskId) ? { ...task, bad: true } : task);
  const chi2 = chi2OfTasks(remaining);
  // Upstream spends one iteration on the crash/time purge when it found any.
  const iterations = badTasks.length > 0 ? thresholds.iterations - 1 : thresholds.iterations;
  const badWorkers = findBadWorkers(remaining, chi2, thresholds, iterations);
  for (const task of remaining) {
    if (task.bad || !badWorkers.has(task.workerInfo.unique_key)) continue;
    const residual = chi2.residual.get(task.workerInfo.unique_key);
    badTasks.push({
      taskId: task.taskId,
      residual: residual ?? 'inf',
      residualColor: residual === undefined ? 'red' : residualToColor(residual, chi2),
    });
    condemned.add(task.taskId);
  }

  if (badTasks.length === 0) return { performed: false, reason: lifecycleMessages.purgeNoBadWorkers };

  const results = sumResults(remaining.filter((task) => !task.bad && !condemned.has(task.taskId)).map((task) => task.stats));
  let sprt = run.args.sprt;
  if (sprt !== undefined) {
    const updated = updateSprt(results, sprt);
    if (!updated.ok) return { performed: false, reason: `Statistics failure: ${updated.failure.detail}` };
    sprt = updated.value;
  }
  const args = sprt === undefined ? run.args : { ...run.args, sprt };
  return {
    performed: true,
    badTasks,
    results,
    ...(sprt !== undefined ? { sprt } : {}),
    revives: isUndecided({ args, results }),
  };
};
