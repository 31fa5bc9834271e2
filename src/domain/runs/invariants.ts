import { countGames, resultsEqual, sumResults } from '../shared/results.js';
import { isUndecided, type Run } from './state.js';

/**
 * Upstream's consistency checks of a run document (`valid_aggregated_data` and the finished /
 * unfinished constraints of `runs_schema`), which its periodic job runs on a random run: every
 * aggregate must equal what the tasks say. Returns the problems found; none when consistent.
 */
export const runInvariantProblems = (run: Run): string[] => {
  const problems: string[] = [];
  const tasks = [...run.tasks];
  const active = tasks.filter((task) => task.active);
  const results = sumResults(tasks.map((task) => task.stats));
  if (!resultsEqual(results, run.results)) {
    problems.push(`The final results ${JSON.stringify(run.results)} do not match the computed results ${JSON.stringify(results)}`);
  }
  const cores = active.reduce((sum, task) => sum + task.workerInfo.concurrency, 0);
  if (cores !== run.cores) problems.push(`Cores from tasks: ${cores}. Cores from run: ${run.cores}`);
  if (active.length !== run.workers) {
    problems.push(`Workers mismatch. Workers from tasks: ${active.length}. Workers from run: ${run.workers}`);
  }
  const committed = tasks.reduce((sum, task) => sum + (task.active ? task.numGames : countGames(task.stats)), 0);
  if (committed !== run.committedGames) {
    problems.push(`Committed games mismatch. Committed games from tasks: ${committed}. Committed games from run: ${run.committedGames}`);
  }
  const total = tasks.reduce((sum, task) => sum + task.numGames, 0);
  if (total !== run.totalGames) problems.push(`Total games mismatch. Total games from tasks: ${total}. Total games from run: ${run.totalGames}`);
  const activeIds = active.map((task) => task.taskId).join(',');
  if ([...run.activeTaskIds].sort((a, b) => a - b).join(',') !== activeIds) problems.push('Active task index mismatch');
  for (const task of tasks) {
    if (task.bad && (task.active || countGames(task.stats) !== 0)) problems.push(`Bad task ${task.taskId} is active or has games`);
    if (task.spsaStep !== undefined && !task.active) problems.push(`Inactive task ${task.taskId} holds an SPSA step`);
  }
  if (run.failed && run.failures < 1) problems.push('A failed run must have failures >= 1');
  if (run.approved !== (run.approver !== '')) problems.push('approved and approver disagree');
  if (run.isGreen && run.isYellow) problems.push('A run cannot be both green and yellow');
  if (run.finished) {
    if (run.workers !== 0 || run.cores !== 0) problems.push('A finished run has workers');
  } else {
    if (run.isGreen || run.isYellow || run.failed || run.deleted) problems.push('An unfinished run has flags');
    if (!isUndecided(run)) problems.push('An unfinished run is already decided');
  }
  return problems;
};
