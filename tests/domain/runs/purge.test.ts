import { describe, expect, it } from 'vitest';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import { chi2OfTasks, chiSquaredSurvivalEven, findBadWorkers, residualToColor } from '../../../src/domain/runs/purge/chi2.js';
import type { Run } from '../../../src/domain/runs/state.js';
import type { Pentanomial, Results } from '../../../src/domain/shared/results.js';
import { apply, approved, assigned, at, baseArgs, context, created, DAY, machine, RUN_ID, resultsOf, runOf, spec, sprtArgs, T0 } from './fixtures.js';

const types = (events: readonly RunEvent[]): string[] => events.map((event) => event.type);
const noFlags = { isGreen: false, isYellow: false };

/** One finished task per entry, worker i = machine(i + 1), with these results. */
const playedTasks = (all: readonly Results[]): RunEvent[] =>
  all.flatMap((stats, taskId) => {
    const info = machine(taskId + 1);
    const games = stats.wins + stats.losses + stats.draws;
    return [
      assigned(taskId, games, info),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId, stats, delta: stats, workerInfo: info }),
      runEvent('TaskCompleted', { runId: RUN_ID, at: at(T0), taskId }),
    ];
  });

const finished = runEvent('RunFinished', { runId: RUN_ID, at: at(T0), reason: 'games-reached', flags: noFlags });

// Golden vector: upstream util.get_chi2 / get_bad_workers run with numpy and scipy on these tables.
const GOLDEN: Pentanomial[] = [
  [15, 80, 69, 45, 25],
  [6, 24, 118, 26, 16],
  [23, 23, 114, 33, 6],
  [7, 47, 103, 24, 12],
  [7, 55, 104, 23, 23],
  [8, 80, 78, 60, 25],
  [23, 80, 57, 56, 23],
  [17, 23, 78, 22, 22],
  [60, 50, 60, 20, 5],
  [5, 20, 60, 50, 40],
];
const GOLDEN_RESIDUALS = [
  3.3560275924777203, 6.009661136358451, 4.382247642582802, 3.197894181985205, 1.830743819536633, 2.9077956218948238,
  5.3336377600280676, 1.3935630593043438, 7.527486956463069, 7.512028437188832,
];

describe('chi² test of the workers', () => {
  const run = runOf(created(), ...playedTasks(GOLDEN.map((p) => resultsOf(p))));
  const keyOf = (i: number): string => machine(i + 1).unique_key;

  it('matches upstream\u2019s statistic, degrees of freedom, Bonferroni thresholds and residuals', () => {
    const chi2 = chi2OfTasks(run.tasks);
    expect(chi2.chi2).toBeCloseTo(251.72964923476644, 9);
    expect(chi2.dof).toBe(18);
    expect(chi2.p).toBeLessThan(1e-30);
    expect(chi2.z95).toBeCloseTo(2.5758293035489004, 12);
    expect(chi2.z99).toBeCloseTo(3.090232306167813, 12);
    GOLDEN_RESIDUALS.forEach((residual, i) => expect(chi2.residual.get(keyOf(i))).toBeCloseTo(residual, 8));
  });

  it('condemns the worst worker per iteration while the table fails the test', () => {
    const chi2 = chi2OfTasks(run.tasks);
    const tasks = [...run.tasks];
    expect([...findBadWorkers(tasks, chi2, { p: 0.01, residual: 4.5 }, 1)]).toEqual([keyOf(8)]);
    expect(new Set(findBadWorkers(tasks, chi2, { p: 0.01, residual: 4.5 }, 3))).toEqual(new Set([keyOf(6), keyOf(8), keyOf(9)]));
  });

  it('colours residuals green below z95, yellow below z99, red above', () => {
    const thresholds = { z95: 2.5, z99: 3 };
    expect(residualToColor(2.4, thresholds)).toBe('green');
    expect(residualToColor(2.9, thresholds)).toBe('yellow');
    expect(residualToColor(3.1, thresholds)).toBe('red');
    expect(residualToColor(Number.POSITIVE_INFINITY, thresholds)).toBe('red');
  });

  it('adds up the tasks of one worker and ignores workers with expected counts ≤ 5', () => {
    const scenario = [
      ...Array.from({ length: 10 }, (_, i): Pentanomial => [10 + (i % 3), 40 + (i % 2), 100 + i, 40, 10 + (i % 4)]),
      [40, 60, 60, 20, 5] as Pentanomial,
    ];
    const events = playedTasks(scenario.map((p) => resultsOf(p)));
    // A second, small task for worker 4 and a worker with too few games.
    events.push(assigned(11, 18, machine(4)), runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 11, stats: resultsOf([1, 2, 3, 2, 1]), delta: resultsOf([1, 2, 3, 2, 1]), workerInfo: machine(4) }));
    events.push(assigned(12, 4, machine(99)), runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 12, stats: resultsOf([0, 1, 1, 0, 0]), delta: resultsOf([0, 1, 1, 0, 0]), workerInfo: machine(99) }));
    const chi2 = chi2OfTasks(runOf(created(), ...events).tasks);
    expect(chi2.chi2).toBeCloseTo(74.20296709052916, 9);
    expect(chi2.dof).toBe(20);
    expect(chi2.p).toBeCloseTo(3.697666284274703e-8, 15);
    expect(chi2.residual.get(machine(11).unique_key)).toBeCloseTo(8.20900384895859, 8);
    expect(chi2.residual.get(machine(99).unique_key)).toBeUndefined();
  });

  it('has no verdict with fewer than two qualifying workers', () => {
    const chi2 = chi2OfTasks(runOf(created(), ...playedTasks([resultsOf([10, 40, 100, 40, 10])])).tasks);
    expect(chi2).toMatchObject({ dof: 0, residual: new Map() });
    expect(Number.isNaN(chi2.chi2)).toBe(true);
  });

  it('computes the χ² tail for even degrees of freedom', () => {
    expect(chiSquaredSurvivalEven(2, 2)).toBeCloseTo(Math.exp(-1), 15);
    expect(chiSquaredSurvivalEven(10, 4)).toBeCloseTo(Math.exp(-5) * 6, 15);
    expect(chiSquaredSurvivalEven(0, 6)).toBe(1);
    expect(chiSquaredSurvivalEven(3000, 2)).toBe(0);
  });
});

describe('purge', () => {
  const purge = (by = 'owner', isApprover = false): RunCommand => ({ type: 'PurgeRun', data: { runId: RUN_ID, by, isApprover } });
  const goldenTasks = playedTasks(GOLDEN.map((p) => resultsOf(p)));
  const gamesOf = (p: Pentanomial): number => 2 * p.reduce((a, b) => a + b, 0);
  const totalGames = GOLDEN.reduce((total, p) => total + gamesOf(p), 0);
  const fixedRun = (args: Partial<RunArgs> = {}) => [created(baseArgs({ num_games: totalGames, ...args })), approved(), ...goldenTasks];

  it('only purges finished runs', () => {
    spec(...fixedRun())
      .when(purge(), context())
      .then([runEvent('RunPurgeRefused', { runId: RUN_ID, at: at(T0), by: 'owner', mode: 'manual', reason: 'Can only purge completed run' })]);
  });

  it('refuses runs older than 30 days', () => {
    spec(...fixedRun(), finished)
      .when(purge(), context(T0 + 31 * DAY))
      .then((events) => expect(events[0]).toMatchObject({ data: { reason: 'Run too old to be purged' } }));
  });

  it('refuses failed runs', () => {
    const failed = runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'worker', by: 'w', message: 'x', worker: { taskId: 0, workerName: 'w' }, failed: true, flags: noFlags });
    spec(...fixedRun(), failed)
      .when(purge(), context())
      .then((events) => expect(events[0]).toMatchObject({ data: { reason: 'You cannot purge a failed run' } }));
  });

  it('is for the owner or an approver', () => {
    spec(...fixedRun(), finished).when(purge('mallory'), context()).thenRejects('not-allowed', 'Only approvers or the submitting user can purge the run.');
  });

  it('says "No bad workers" when every worker agrees', () => {
    const agreeing = Array.from({ length: 6 }, () => resultsOf([10, 40, 100, 40, 10]));
    spec(created(baseArgs({ num_games: 6 * 400 })), ...playedTasks(agreeing), finished)
      .when(purge('approver1', true), context())
      .then((events) => expect(events[0]).toMatchObject({ type: 'RunPurgeRefused', data: { reason: 'No bad workers' } }));
  });

  it('sets the worst worker\u2019s tasks aside, recomputes the results and revives the run to replay the games', () => {
    const state = runOf(...fixedRun(), finished);
    const { events, state: after } = apply(state, purge());
    expect(types(events)).toEqual(['RunPurged', 'RunRevived']);
    const purged = events[0] as Extract<RunEvent, { type: 'RunPurged' }>;
    expect(purged.data.mode).toBe('manual');
    expect(purged.data.badTasks).toEqual([{ taskId: 8, residual: expect.closeTo(7.527486956463069, 8), residualColor: 'red' }]);
    const run = after as Run;
    expect(run.finished).toBe(false);
    expect(run.results.pentanomial).toEqual(GOLDEN.filter((_, i) => i !== 8).reduce<number[]>((sum, p) => sum.map((x, j) => x + (p[j] ?? 0)), [0, 0, 0, 0, 0]));
    expect(run.committedGames).toBe(totalGames - gamesOf(GOLDEN[8]!));
    expect(run.tasks.get(8)?.bad).toBe(true);
    expect(run.badTasks[0]).toMatchObject({ taskId: 8, stats: resultsOf(GOLDEN[8]!) });
    // The freed games go to the next worker.
    const next = apply(run, { type: 'AssignTask', data: { runId: RUN_ID, workerInfo: machine(50) } });
    expect(next.events[0]).toMatchObject({ type: 'TaskAssigned', data: { taskId: 10, numGames: gamesOf(GOLDEN[8]!), start: totalGames } });
  });

  it('first sets aside tasks with too many crashes or time losses (residual 10, red), spending the iteration', () => {
    const crashing = { ...resultsOf(GOLDEN[0]!), crashes: 4 };
    const tasks = playedTasks([crashing, ...GOLDEN.slice(1).map((p) => resultsOf(p))]);
    const state = runOf(created(baseArgs({ num_games: totalGames })), approved(), ...tasks, finished);
    const { events } = apply(state, purge());
    expect((events[0] as Extract<RunEvent, { type: 'RunPurged' }>).data.badTasks).toEqual([{ taskId: 0, residual: 10, residualColor: 'red' }]);
  });

  it('updates the SPRT on the purged results, dropping the overshoot record', () => {
    const args = sprtArgs({ num_games: 800_000 });
    const state = runOf(created(args), approved(), ...goldenTasks, runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'user', by: 'owner', message: 'User stop', failed: false, flags: noFlags }));
    const { events, state: after } = apply(state, purge());
    const purged = events[0] as Extract<RunEvent, { type: 'RunPurged' }>;
    expect(purged.data.sprt?.llr).not.toBe(0);
    expect((after as Run).args.sprt).toEqual(purged.data.sprt);
  });

  it('runs automatically when a run with auto_purge finishes, and a revived run announces no finish', () => {
    const lastTask = GOLDEN.length - 1;
    const all = playedTasks(GOLDEN.map((p) => resultsOf(p)));
    // Leave the last task unreported; its final update finishes the run.
    const given = [created(baseArgs({ num_games: totalGames, auto_purge: true })), approved(), ...all.slice(0, 3 * lastTask), assigned(lastTask, gamesOf(GOLDEN[lastTask]!), machine(lastTask + 1))];
    const state = runOf(...given);
    const { events, state: after } = apply(state, {
      type: 'UpdateTask',
      data: { runId: RUN_ID, taskId: lastTask, workerInfo: machine(lastTask + 1), stats: resultsOf(GOLDEN[lastTask]!) },
    });
    expect(types(events)).toEqual(['TaskResultsReported', 'TaskCompleted', 'RunFinished', 'RunPurged', 'RunRevived']);
    expect(events[2]).not.toHaveProperty('data.message');
    expect(events[3]).toMatchObject({ data: { mode: 'auto', by: 'owner' } });
    expect(after).toMatchObject({ finished: false });
  });
});

describe('automatic purge of a run that stays decided', () => {
  it('keeps the run finished, flags it from the purged results and announces the finish', () => {
    // Ten consistent workers and one far off; every task a whole number of 16-pair batches.
    const good: Pentanomial = [5, 20, 61, 50, 40];
    const bad: Pentanomial = [0, 0, 16, 20, 140];
    const tables = [...Array.from({ length: 9 }, () => good), bad];
    const given = [created(sprtArgs({ auto_purge: true })), approved(), ...playedTasks(tables.map((p) => resultsOf(p))), assigned(10, 352, machine(11))];
    const state = runOf(...given);
    const { events, state: after } = apply(state, {
      type: 'UpdateTask',
      data: { runId: RUN_ID, taskId: 10, workerInfo: machine(11), stats: resultsOf(good) },
    });
    expect(types(events)).toEqual(['TaskResultsReported', 'TaskCompleted', 'RunFinished', 'RunPurged']);
    expect(events[2]).toMatchObject({ data: { reason: 'sprt-accepted' } });
    expect((events[2] as Extract<RunEvent, { type: 'RunFinished' }>).data.message).toMatch(/^Result:accepted .* Games:3520 Ptnml:\[50,200,610,500,400\]$/);
    const purged = events[3] as Extract<RunEvent, { type: 'RunPurged' }>;
    expect(purged.data.badTasks.map((task) => task.taskId)).toEqual([9]);
    expect(purged.data.flags).toEqual({ isGreen: true, isYellow: false });
    expect(purged.data.sprt?.state).toBe('accepted');
    expect(after).toMatchObject({ finished: true, isGreen: true });
  });
});
