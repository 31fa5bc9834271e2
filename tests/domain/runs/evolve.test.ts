import { describe, expect, it } from 'vitest';
import { runEvent } from '../../../src/domain/runs/events.js';
import { activeTasks, isUndecided, runStatus } from '../../../src/domain/runs/state.js';
import { countGames, ZERO_RESULTS } from '../../../src/domain/shared/results.js';
import { approved, assigned, at, baseArgs, created, machine, resultsOf, RUN_ID, runOf, stateOf, T0, workerInfo } from './fixtures.js';

describe('run state from events', () => {
  it('has no run before RunCreated', () => {
    expect(stateOf()).toEqual({ kind: 'none' });
  });

  it('starts a created run pending approval, with zero counters and results', () => {
    const run = runOf(created());
    expect(run).toMatchObject({
      runId: RUN_ID,
      approved: false,
      approver: '',
      finished: false,
      workers: 0,
      cores: 0,
      committedGames: 0,
      totalGames: 0,
      results: ZERO_RESULTS,
      startTime: T0,
      tcBase: 10,
    });
    expect(runStatus(run)).toBe('pending');
  });

  it('is paused once approved and active once it has a worker', () => {
    expect(runStatus(runOf(created(), approved()))).toBe('paused');
    expect(runStatus(runOf(created(), approved(), assigned(0, 100)))).toBe('active');
  });

  it('counts an assigned task in workers, cores, committed and total games', () => {
    const run = runOf(created(), approved(), assigned(0, 100, workerInfo({ concurrency: 8 })), assigned(1, 60, machine(2, { concurrency: 4 })));
    expect(run).toMatchObject({ workers: 2, cores: 12, committedGames: 160, totalGames: 160 });
    expect(run.tasks.get(1)).toMatchObject({ taskId: 1, numGames: 60, active: true, stats: ZERO_RESULTS });
    expect(activeTasks(run).map((task) => task.taskId)).toEqual([0, 1]);
  });

  it('adds the delta of a report to the run results and keeps the cumulative task stats', () => {
    const stats = resultsOf([1, 2, 3, 2, 1]);
    const run = runOf(
      created(),
      assigned(0, 100),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0 + 1000), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }),
    );
    expect(run.results).toEqual(stats);
    expect(run.tasks.get(0)?.stats).toEqual(stats);
    expect(run.lastUpdated).toBe(T0 + 1000);
  });

  it('frees the unplayed games and the cores of a task that stops', () => {
    const stats = resultsOf([0, 2, 4, 2, 0]);
    const run = runOf(
      created(),
      assigned(0, 100, workerInfo({ concurrency: 8 })),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }),
      runEvent('TaskFailed', { runId: RUN_ID, at: at(T0 + 5000), taskId: 0, message: 'boom' }),
    );
    expect(run).toMatchObject({ workers: 0, cores: 0, committedGames: countGames(stats), totalGames: 100 });
    expect(run.tasks.get(0)).toMatchObject({ active: false, lastUpdated: T0 + 5000 });
  });

  it('stops every task and flags the run when it finishes', () => {
    const run = runOf(
      created(),
      assigned(0, 100),
      assigned(1, 100, machine(2)),
      runEvent('RunFinished', { runId: RUN_ID, at: at(T0), reason: 'games-reached', flags: { isGreen: true, isYellow: false } }),
    );
    expect(run).toMatchObject({ finished: true, workers: 0, cores: 0, committedGames: 0, isGreen: true, activeTaskIds: [] });
    expect(runStatus(run)).toBe('finished');
  });

  it('marks a run failed (and counts the failure) when an authorised worker stops it', () => {
    const run = runOf(
      created(),
      runEvent('RunStopped', {
        runId: RUN_ID,
        at: at(T0),
        cause: 'worker',
        by: 'alice',
        message: 'bench mismatch',
        worker: { taskId: 0, workerName: 'w' },
        failed: true,
        flags: { isGreen: false, isYellow: false },
      }),
    );
    expect(run).toMatchObject({ finished: true, failed: true, failures: 1 });
    expect(runStatus(run)).toBe('failed');
  });

  it('clears finished, failed, deleted and flags on revival', () => {
    const run = runOf(
      created(),
      runEvent('RunDeleted', { runId: RUN_ID, at: at(T0), by: 'owner', flags: { isGreen: true, isYellow: false } }),
      runEvent('RunRevived', { runId: RUN_ID, at: at(T0), cause: 'modify' }),
    );
    expect(run).toMatchObject({ finished: false, deleted: false, failed: false, isGreen: false, isYellow: false });
  });

  it('sets purged tasks aside with zero stats and removes their games from results and committed games', () => {
    const good = resultsOf([0, 1, 2, 1, 0]);
    const bad = resultsOf([5, 0, 0, 0, 0]);
    const run = runOf(
      created(),
      assigned(0, 8),
      assigned(1, 10, machine(2)),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 0, stats: good, delta: good, workerInfo: workerInfo() }),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 1, stats: bad, delta: bad, workerInfo: machine(2) }),
      runEvent('RunFinished', { runId: RUN_ID, at: at(T0), reason: 'games-reached', flags: { isGreen: false, isYellow: false } }),
      runEvent('RunPurged', {
        runId: RUN_ID,
        at: at(T0),
        by: 'owner',
        mode: 'manual',
        badTasks: [{ taskId: 1, residual: 'inf', residualColor: 'red' }],
        results: good,
        flags: { isGreen: false, isYellow: false },
      }),
    );
    expect(run.results).toEqual(good);
    expect(run.committedGames).toBe(8);
    expect(run.tasks.get(1)).toMatchObject({ bad: true, stats: ZERO_RESULTS });
    expect(run.badTasks).toEqual([expect.objectContaining({ taskId: 1, stats: bad, residual: 'inf', residualColor: 'red' })]);
  });

  it('is undecided until num_games are played or the SPRT decided', () => {
    const args = baseArgs({ num_games: 4 });
    expect(isUndecided({ args, results: resultsOf([0, 1, 0, 0, 0]) })).toBe(true);
    expect(isUndecided({ args, results: resultsOf([0, 1, 1, 0, 0]) })).toBe(false);
  });
});
