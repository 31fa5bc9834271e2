import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/domain/runs/state.js';
import { toIso } from '../../src/domain/shared/time.js';
import { packFlips } from '../../src/domain/spsa/flips.js';
import type { TaskDocument, TaskRunDocument } from '../../src/projections/tasks/taskDocument.js';
import { TASK_RUNS, TASKS, tasksProjection } from '../../src/projections/tasks/tasksProjection.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { simulateRun, simulationArb } from '../http/public/support/randomRuns.js';
import { buildScenario, RUN_SPRT, RUN_SPSA } from '../http/public/support/runScenario.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every task document says what the run aggregate's task says; purged copies match `badTasks`. */
const expectTasksAgree = (docs: readonly TaskDocument[], run: Run): void => {
  const ofRun = docs.filter((doc) => doc.run_id === run.runId).sort((a, b) => a.task_id - b.task_id);
  expect(ofRun.map((doc) => doc.task_id)).toEqual([...run.tasks].map((task) => task.taskId));
  for (const task of run.tasks) {
    const doc = ofRun[task.taskId]!;
    expect({
      num_games: doc.num_games,
      active: doc.active,
      last_updated: doc.last_updated,
      start: doc.start,
      stats: json(doc.stats),
      worker_info: json(doc.worker_info),
      bad: doc.bad ?? false,
      spsa_params: doc.spsa_params ?? null,
    }).toEqual({
      num_games: task.numGames,
      active: task.active,
      last_updated: toIso(task.lastUpdated),
      start: task.start,
      stats: json(task.stats),
      worker_info: json(task.workerInfo),
      bad: task.bad,
      spsa_params: task.spsaStep ? { iter: task.spsaStep.iter, packed_flips: Array.from(packFlips(task.spsaStep.flips)) } : null,
    });
  }
  const badCopies = ofRun.filter((doc) => doc.bad_task).sort((a, b) => a.bad_index! - b.bad_index!);
  expect(badCopies.map((doc) => json(doc.bad_task))).toEqual(
    run.badTasks.map((bad) => ({
      num_games: bad.numGames,
      active: false,
      last_updated: toIso(bad.lastUpdated),
      start: bad.start,
      stats: json(bad.stats),
      worker_info: json(bad.workerInfo),
      task_id: bad.taskId,
      bad: true,
      residual: bad.residual,
      residual_color: bad.residualColor,
    })),
  );
};

describe('tasks read model', () => {
  const scenario = buildScenario();
  const state = projectInMemory([tasksProjection], recordAll(scenario.events));
  const tasks = docsOf(state, TASKS) as TaskDocument[];

  it('keeps one document per task, named <runId>-<taskId>', () => {
    expect(tasks.map((task) => task._id)).toContain(`${RUN_SPRT}-3`);
    expect(tasks.filter((task) => task.run_id === RUN_SPRT)).toHaveLength(4);
    expect(docOf(state, TASKS, `${RUN_SPRT}-0`)).toMatchObject({ task_id: 0, username: 'alice', worker_name: 'alice-8cores-m0000001-2869' });
  });

  it('stops every active task when the run stops, finishes or is deleted (lookups)', () => {
    expect(tasks.filter((task) => task.active)).toEqual([]);
    for (const meta of docsOf(state, TASK_RUNS) as TaskRunDocument[]) expect(meta.active_task_ids).toEqual([]);
    // Stopped by the owner's stop at 12:20, not by their own events.
    expect(docOf(state, TASKS, `${RUN_SPRT}-0`)).toMatchObject({ active: false, last_updated: '2026-11-01T12:20:00.000Z' });
  });

  it('keeps the purged copy with its stats and residual, and zeroes the task', () => {
    const purged = docOf(state, TASKS, `${RUN_SPRT}-1`) as TaskDocument;
    expect(purged).toMatchObject({ bad: true, bad_index: 0, stats: { wins: 0, losses: 0, draws: 0 } });
    expect(purged.bad_task).toMatchObject({ task_id: 1, bad: true, residual: 10, residual_color: 'red', stats: { crashes: 5 } });
  });

  it('agrees with the run aggregate for every run of the scenario', () => {
    for (const driver of Object.values(scenario.drivers)) expectTasksAgree(tasks, driver.run);
    const spsaTasks = tasks.filter((task) => task.run_id === RUN_SPSA);
    expect(spsaTasks.every((task) => task.spsa_params === undefined)).toBe(true);
  });

  it('records the SPSA step a task plays, flips packed as bytes', () => {
    const { spsa } = scenario.drivers;
    const step = spsa.events.findIndex((event) => event.type === 'SpsaStepIssued');
    const midway = projectInMemory([tasksProjection], recordAll(spsa.events.slice(0, step + 1)));
    expect(docOf(midway, TASKS, `${RUN_SPSA}-0`)).toMatchObject({ active: true, spsa_params: { iter: 0, packed_flips: [0b1000_0000] } });
  });

  it('agrees with the run aggregate on random fleets (property)', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        const { driver } = simulateRun(RUN_SPRT, args, actions);
        const projected = projectInMemory([tasksProjection], recordAll(driver.events));
        expectTasksAgree(docsOf(projected, TASKS) as TaskDocument[], driver.run);
        const meta = docOf(projected, TASK_RUNS, RUN_SPRT) as TaskRunDocument | null;
        expect([...(meta?.active_task_ids ?? [])].sort((a, b) => a - b)).toEqual([...driver.run.activeTaskIds].sort((a, b) => a - b));
      }),
      { numRuns: 120, seed: 424_242 },
    );
  });
});
