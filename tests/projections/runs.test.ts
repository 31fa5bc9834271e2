import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/runs/events.js';
import { runStatus, type Run } from '../../src/domain/runs/state.js';
import { toIso } from '../../src/domain/shared/time.js';
import { activeTask, evolveRunRead, type RunDocument, type RunReadState } from '../../src/projections/runs/runDocument.js';
import { activeTasks as activeTasksOf } from '../../src/domain/runs/state.js';
import { estimateGameDuration } from '../../src/domain/shared/time-control.js';
import { RUN_TASK_COUNTERS, RUNS, runsProjection, TASK_COUNTERS } from '../../src/projections/runs/runsProjection.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { simulateRun, simulationArb } from '../http/public/support/randomRuns.js';
import { alice, bob, buildScenario, MINUTE, pairsResults, runDriver, RUN_FIXED, RUN_PENDING, RUN_SPRT, RUN_SPSA, T0 } from '../http/public/support/runScenario.js';
import { sprtArgs } from '../domain/runs/fixtures.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The run document says what the run aggregate says, field for field. */
const expectAgrees = (doc: RunDocument, run: Run): void => {
  expect(json(doc.args)).toEqual(json(run.args));
  expect({
    start_time: doc.start_time,
    last_updated: doc.last_updated,
    tc_base: doc.tc_base,
    approved: doc.approved,
    approver: doc.approver,
    finished: doc.finished,
    deleted: doc.deleted,
    failed: doc.failed,
    failures: doc.failures,
    is_green: doc.is_green,
    is_yellow: doc.is_yellow,
    workers: doc.workers,
    cores: doc.cores,
    committed_games: doc.committed_games,
    total_games: doc.total_games,
    results: json(doc.results),
    status: doc.status,
    tasks_count: doc.tasks_count,
    bad_tasks_count: doc.bad_tasks_count,
  }).toEqual({
    start_time: toIso(run.startTime),
    last_updated: toIso(run.lastUpdated),
    tc_base: run.tcBase,
    approved: run.approved,
    approver: run.approver,
    finished: run.finished,
    deleted: run.deleted,
    failed: run.failed,
    failures: run.failures,
    is_green: run.isGreen,
    is_yellow: run.isYellow,
    workers: run.workers,
    cores: run.cores,
    committed_games: run.committedGames,
    total_games: run.totalGames,
    results: json(run.results),
    status: runStatus(run),
    tasks_count: run.tasks.length,
    bad_tasks_count: run.badTasks.length,
  });
  if (run.finished) expect({ nps: doc.nps, games_per_minute: doc.games_per_minute }).toEqual({ nps: 0, games_per_minute: 0 });
  // Kept as running sums: equal to upstream's recomputation from the active tasks, up to rounding.
  const working = activeTasksOf(run);
  const nps = working.reduce((sum, task) => sum + task.workerInfo.concurrency * task.workerInfo.nps, 0);
  const gpm = working.reduce(
    (sum, task) =>
      sum +
      (task.workerInfo.nps === 0
        ? 0
        : (task.workerInfo.nps / 691_680) * (60 / estimateGameDuration(run.args.tc)) * Math.floor(task.workerInfo.concurrency / run.args.threads)),
    0,
  );
  expect(doc.nps).toBeCloseTo(nps, 3);
  expect(doc.games_per_minute).toBeCloseTo(gpm, 6);
};

const foldRead = (events: readonly RunEvent[]): RunReadState | null =>
  events.reduce<RunReadState | null>((state, event) => evolveRunRead(state, event), null);

describe('runs read model', () => {
  const scenario = buildScenario();
  const state = projectInMemory([runsProjection], recordAll(scenario.events));
  const run = (id: string) => docOf(state, RUNS, id) as RunDocument;

  it('keeps one document per run with upstream fields and its status', () => {
    expect(run(RUN_SPRT)).toMatchObject({
      _id: RUN_SPRT,
      status: 'failed',
      finished: true,
      failed: true,
      failures: 1,
      workers: 0,
      cores: 0,
      approved: true,
      approver: 'approver1',
      tasks_count: 4,
      bad_tasks_count: 1,
      args: { new_tag: 'sprt-branch', num_games: 400_000, username: 'owner' },
    });
    expect(run(RUN_FIXED)).toMatchObject({ status: 'finished', finished: true, games: 64, committed_games: 64, total_games: 64 });
    expect(run(RUN_SPSA)).toMatchObject({ status: 'finished', finished: true, deleted: true, workers: 0 });
    expect(run(RUN_PENDING)).toMatchObject({ status: 'pending', finished: false, approved: false, workers: 0, games: 0 });
    expect(run(RUN_FIXED)).not.toHaveProperty('tasks');
  });

  it('agrees with the run aggregate after every event of the scenario', () => {
    for (const driver of Object.values(scenario.drivers)) {
      let read: RunReadState | null = null;
      let replayed = 0;
      for (const event of driver.events) {
        read = evolveRunRead(read, event);
        replayed += 1;
        if (read === null) throw new Error('no run document');
        expect(read.doc.workers).toBe(Object.keys(read.tasks).filter((taskId) => activeTask(read!, Number(taskId))).length);
      }
      expect(replayed).toBe(driver.events.length);
      expectAgrees(read!.doc, driver.run);
    }
  });

  it('counts active speed while tasks run and none once finished', () => {
    const { sprt } = scenario.drivers;
    // Up to the second assignment: alice (8 cores × 700k) and bob (4 × 500k) are working.
    const firstTwo = sprt.events.filter((e) => e.type === 'TaskAssigned').slice(0, 2);
    const until = sprt.events.indexOf(firstTwo[1]!) + 1;
    const doc = foldRead(sprt.events.slice(0, until))!.doc;
    expect(doc.nps).toBe(8 * 700_000 + 4 * 500_000);
    expect(doc.games_per_minute).toBeGreaterThan(0);
    expect(doc.status).toBe('active');
  });

  it("follows a worker's new speed when its update reports one", () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(1) } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: bob(2) } }, T0);
    const [report] = driver.exec(
      { type: 'UpdateTask', data: { runId: RUN_SPRT, taskId: 0, workerInfo: alice(1, { nps: 900_000 }), stats: pairsResults(16) } },
      T0 + 60_000,
    );
    expect(report).toMatchObject({ type: 'TaskResultsReported', data: { workerInfo: { nps: 900_000 } } });
    const doc = foldRead(driver.events)!.doc;
    expect(doc.nps).toBe(8 * 900_000 + 4 * 500_000);
    expectAgrees(doc, driver.run);
  });

  it('agrees with the run aggregate on random fleets, at every step (property)', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        const { driver, checkpoints } = simulateRun(RUN_SPRT, args, actions);
        for (const checkpoint of checkpoints) {
          const read = foldRead(driver.events.slice(0, checkpoint.events));
          expectAgrees(read!.doc, checkpoint.run);
        }
      }),
      { numRuns: 120, seed: 424_242 },
    );
  });

  it('writes documents of a fixed size however many workers the run has', () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    const countersAfter = (workers: number): string => {
      for (let n = 0; n < workers; n += 1) driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(100 + n) } }, T0);
      const read = projectInMemory([runsProjection], recordAll(driver.events));
      expect(docsOf(read, TASK_COUNTERS)).toHaveLength(driver.run.activeTaskIds.length);
      return JSON.stringify({ ...docOf(read, RUN_TASK_COUNTERS, RUN_SPRT), _position: 0 });
    };
    const few = countersAfter(2);
    const many = countersAfter(300);
    expect(many.length).toBeLessThanOrEqual(few.length + 8);
  });

  it('retires every task at a run-wide stop without naming their documents', () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(1) } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: bob(2) } }, T0);
    driver.exec({ type: 'UpdateTask', data: { runId: RUN_SPRT, taskId: 0, workerInfo: alice(1), stats: pairsResults(16) } }, T0 + MINUTE);
    driver.exec({ type: 'StopRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: true } }, T0 + 2 * MINUTE);
    const read = projectInMemory([runsProjection], recordAll(driver.events));
    const doc = docOf(read, RUNS, RUN_SPRT) as RunDocument;
    expect(doc).toMatchObject({ workers: 0, cores: 0, finished: true });
    expectAgrees(doc, driver.run);
    // The task documents stay, from an older generation: no later event counts them as active.
    expect(docsOf(read, TASK_COUNTERS)).toHaveLength(2);
    expect(docOf(read, RUN_TASK_COUNTERS, RUN_SPRT)).toMatchObject({ generation: 1, active_num_games: 0, active_played: 0 });
  });

  it('ignores events of runs it never saw created', () => {
    const [, approvedEvent] = scenario.drivers.fixed.events;
    const orphan = projectInMemory([runsProjection], recordAll([approvedEvent!]));
    expect(docOf(orphan, RUNS, RUN_FIXED)).toBeNull();
  });
});
