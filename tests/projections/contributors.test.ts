import { describe, expect, it } from 'vitest';
import {
  CONTRIBUTOR_RUNS,
  CONTRIBUTOR_TASKS,
  CONTRIBUTORS,
  CONTRIBUTORS_MONTHLY,
  contributorsProjection,
  cpuHoursOf,
  type ContributorDocument,
  type ContributorRunDocument,
  type ContributorTaskDocument,
  type MonthlyContributorDocument,
} from '../../src/projections/contributors/contributorsProjection.js';
import { toIso } from '../../src/domain/shared/time.js';
import { baseArgs, sprtArgs } from '../domain/runs/fixtures.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { alice, bob, buildScenario, MINUTE, pairsResults, RUN_SPRT, runDriver, T0 } from '../http/public/support/runScenario.js';

/** Expected wall time of one game, in seconds, as upstream estimates it. */
const STC_GAME = (10 + 0.1 * 68) * 2 * 0.92;
const LTC_GAME = (60 + 0.6 * 68) * 2 * 0.92;

describe('contributors read model', () => {
  const scenario = buildScenario();
  const state = projectInMemory([contributorsProjection], recordAll(scenario.events));
  const allTime = (user: string) => docOf(state, CONTRIBUTORS, user) as ContributorDocument;
  const monthly = (user: string) => docOf(state, CONTRIBUTORS_MONTHLY, `2026-11:${user}`) as MonthlyContributorDocument;

  it('credits each worker owner with the games their tasks reported and the CPU hours they took', () => {
    // alice: 128 + 32 STC games on the SPRT run, 64 LTC games on the fixed-games run.
    expect(allTime('alice')).toMatchObject({ username: 'alice', games: 224, tests: 1, contributed: true, last_updated: toIso(T0 + 23 * MINUTE) });
    expect(allTime('alice').cpu_hours).toBeCloseTo((160 * STC_GAME + 64 * LTC_GAME) / 3600, 10);
    // bob: 32 games of a task purged later (still played: counted) and 64 more.
    expect(allTime('bob')).toMatchObject({ games: 96, tests: 1, last_updated: toIso(T0 + 14 * MINUTE) });
    expect(allTime('bob').cpu_hours).toBeCloseTo((96 * STC_GAME) / 3600, 10);
    expect(cpuHoursOf(96, '10+0.1', 1)).toBeCloseTo((96 * STC_GAME) / 3600, 12);
  });

  it('counts submitted tests for the owner, with the repository of the latest', () => {
    expect(allTime('owner')).toMatchObject({ games: 0, cpu_hours: 0, tests: 2, last_updated: null, tests_repo: 'https://github.com/owner/Stockfish', contributed: true });
  });

  it('keeps registered users who never contributed, marked as such', () => {
    const lurker = projectInMemory(
      [contributorsProjection],
      recordAll([{ type: 'UserRegistered', data: { username: 'lurker', email: 'l@example.org', passwordHash: 'x', at: toIso(T0) } }]),
    );
    expect(docOf(lurker, CONTRIBUTORS, 'lurker')).toMatchObject({ games: 0, tests: 0, contributed: false, registered_at: toIso(T0) });
    expect(allTime('alice').registered_at).toBe(toIso(T0 - 60 * MINUTE));
  });

  it('keeps monthly totals per UTC calendar month', () => {
    expect(monthly('alice')).toMatchObject({ month: '2026-11', username: 'alice', games: 224, tests: 1 });
    expect(monthly('owner')).toMatchObject({ month: '2026-11', tests: 2, games: 0 });

    const lastMinuteOfOctober = Date.UTC(2026, 9, 31, 23, 59);
    const driver = runDriver('r-rollover', baseArgs({ username: 'owner' }), lastMinuteOfOctober);
    driver.exec({ type: 'ApproveRun', data: { runId: 'r-rollover', by: 'approver1', isApprover: true } }, lastMinuteOfOctober);
    driver.exec({ type: 'AssignTask', data: { runId: 'r-rollover', workerInfo: alice(9) } }, lastMinuteOfOctober);
    driver.exec({ type: 'UpdateTask', data: { runId: 'r-rollover', taskId: 0, workerInfo: alice(9), stats: pairsResults(8) } }, lastMinuteOfOctober + 30_000);
    driver.exec({ type: 'UpdateTask', data: { runId: 'r-rollover', taskId: 0, workerInfo: alice(9), stats: pairsResults(20) } }, lastMinuteOfOctober + 90_000);
    const rolled = projectInMemory([contributorsProjection], recordAll(driver.events));
    expect(docOf(rolled, CONTRIBUTORS_MONTHLY, '2026-10:owner')).toMatchObject({ tests: 1 });
    expect(docOf(rolled, CONTRIBUTORS_MONTHLY, '2026-10:alice')).toMatchObject({ games: 16 });
    expect(docOf(rolled, CONTRIBUTORS_MONTHLY, '2026-11:alice')).toMatchObject({ games: 24 });
    expect(docOf(rolled, CONTRIBUTORS, 'alice')).toMatchObject({ games: 40 });
  });

  it('forgets the workers of a run once its tasks stop', () => {
    const runs = new Map((docsOf(state, CONTRIBUTOR_RUNS) as ContributorRunDocument[]).map((run) => [run._id, run]));
    for (const task of docsOf(state, CONTRIBUTOR_TASKS) as ContributorTaskDocument[]) {
      // Left by a run-wide stop: from an older generation than its run's.
      const run = runs.get(task._id.slice(0, task._id.lastIndexOf('-')));
      expect(task.generation).toBeLessThan(run?.generation ?? 0);
    }
  });

  it('keeps one small document per active task, so an assignment costs the same however many tasks are active', () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    const largestAfter = (workers: number): number => {
      for (let n = 0; n < workers; n += 1) driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(100 + n) } }, T0);
      const read = projectInMemory([contributorsProjection], recordAll(driver.events));
      expect(docsOf(read, CONTRIBUTOR_TASKS)).toHaveLength(driver.run.activeTaskIds.length);
      const bookkeeping = [...docsOf(read, CONTRIBUTOR_RUNS), ...docsOf(read, CONTRIBUTOR_TASKS)];
      return Math.max(...bookkeeping.map((doc) => JSON.stringify({ ...doc, _position: 0 }).length));
    };
    const few = largestAfter(2);
    expect(largestAfter(300)).toBeLessThanOrEqual(few + 8);
  });

  it("credits an update without worker info to its task's user only while the task is active", () => {
    const driver = runDriver(RUN_SPRT, baseArgs({ username: 'owner' }), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: bob(2) } }, T0);
    driver.exec({ type: 'UpdateTask', data: { runId: RUN_SPRT, taskId: 0, workerInfo: bob(2), stats: pairsResults(8) } }, T0 + MINUTE);
    driver.exec({ type: 'UpdateTask', data: { runId: RUN_SPRT, taskId: 0, workerInfo: bob(2), stats: pairsResults(20) } }, T0 + 2 * MINUTE);
    const reports = driver.events.filter((event) => event.type === 'TaskResultsReported');
    expect(reports.filter((event) => event.data.workerInfo === undefined)).not.toHaveLength(0);
    driver.exec({ type: 'StopRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: true } }, T0 + 3 * MINUTE);
    // A report the log would show after the run-wide stop no longer names the task's user.
    const late = {
      type: 'TaskResultsReported' as const,
      data: { runId: RUN_SPRT, at: toIso(T0 + 4 * MINUTE), taskId: 0, stats: pairsResults(28), delta: pairsResults(8) },
    };
    const read = projectInMemory([contributorsProjection], recordAll([...driver.events, late]));
    expect(docOf(read, CONTRIBUTORS, 'bob')).toMatchObject({ games: 40 });
  });
});
