import { describe, expect, it } from 'vitest';
import { runInvariantProblems } from '../../../src/domain/runs/invariants.js';
import { taskAssignedReply } from '../../../src/domain/tasks/replies.js';
import { approved, assigned, baseArgs, created, RUN_ID, runOf, workerInfo } from './fixtures.js';
import { ZERO_RESULTS } from '../../../src/domain/shared/results.js';

describe('run invariants (upstream valid_aggregated_data)', () => {
  it('finds nothing wrong with a run built from events', () => {
    expect(runInvariantProblems(runOf(created(), approved(), assigned(0, 100), assigned(1, 50, workerInfo({ concurrency: 3 }))))).toEqual([]);
  });
  it('names each aggregate that disagrees with the tasks', () => {
    const run = runOf(created(), approved(), assigned(0, 100));
    expect(runInvariantProblems({ ...run, cores: 3, workers: 0, committedGames: 7, totalGames: 5 })).toEqual([
      'Cores from tasks: 8. Cores from run: 3',
      'Workers mismatch. Workers from tasks: 1. Workers from run: 0',
      'Committed games mismatch. Committed games from tasks: 100. Committed games from run: 7',
      'Total games mismatch. Total games from tasks: 100. Total games from run: 5',
    ]);
  });
  it('checks the flags of finished and unfinished runs', () => {
    const run = runOf(created(), approved());
    expect(runInvariantProblems({ ...run, isGreen: true })).toEqual(['An unfinished run has flags']);
    expect(runInvariantProblems({ ...run, approver: '' })).toEqual(['approved and approver disagree']);
  });
});

describe('request_task reply', () => {
  it('sends the run id, all its args (with the book SRI when known) and the new task', () => {
    const run = runOf(created(baseArgs()), approved(), assigned(0, 466));
    expect(taskAssignedReply(run, 0, 'sha384-abc')).toEqual({
      run: { _id: RUN_ID, args: { ...baseArgs(), book_sri: 'sha384-abc' }, my_task: { num_games: 466, start: 0, stats: ZERO_RESULTS } },
      task_id: 0,
    });
    expect(taskAssignedReply(run, 0)?.run.args).not.toHaveProperty('book_sri');
    expect(taskAssignedReply(run, 3)).toBeUndefined();
  });
});
