import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runDecider } from '../../../src/domain/runs/decider.js';
import type { Run, RunState } from '../../../src/domain/runs/state.js';
import { fleetFromRuns } from '../../../src/domain/scheduling/fleet.js';
import { requestTask } from '../../../src/domain/scheduling/request-task.js';
import { taskAssignedReply, updateTaskReply } from '../../../src/domain/tasks/replies.js';
import { fold, isRejection } from '../../../src/domain/shared/decider.js';
import type { Results } from '../../../src/domain/shared/results.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import { approved, baseArgs, created, RUN_ID, resultsOf, runOf, SECOND, T0, workerInfo } from '../runs/fixtures.js';

/** A tiny world: one run, the scheduler and the run decider wired as the command layer would. */
const world = (state: RunState) => {
  let current = state;
  let now = T0;
  const decide = (command: RunCommand) => {
    now += SECOND;
    const decision = runDecider.decide(command, current, { now });
    if (!isRejection(decision)) current = fold(runDecider.evolve, current, decision);
    return decision;
  };
  return {
    get run() {
      return current as Run;
    },
    requestTask(worker: WorkerInfo) {
      const runs = [current as Run].filter((run) => !run.finished);
      const outcome = requestTask({ worker, now, runs, fleet: fleetFromRuns(runs), machineLimit: 50, hostUrl: 'https://x' });
      if (outcome.kind !== 'assign') return { outcome };
      if (outcome.staleTask) decide({ type: 'FailTask', data: { ...outcome.staleTask, message: 'Stale active task' } });
      const decision = decide(outcome.command);
      if (isRejection(decision)) return { outcome, decision };
      const taskId = (current as Run).tasks.length - 1;
      return { outcome, reply: taskAssignedReply(current, taskId) };
    },
    update(taskId: number, stats: Results, worker: WorkerInfo = workerInfo()) {
      const decision = decide({ type: 'UpdateTask', data: { runId: RUN_ID, taskId, workerInfo: worker, stats } });
      return updateTaskReply(decision, current, taskId);
    },
  };
};

const drawn = (games: number): Results => resultsOf([0, 0, games / 2, 0, 0]);

describe('scenarios across the scheduler and the run (upstream test_api / test_rundb)', () => {
  it('duplicate workers: the same worker asking twice gets a task both times, the first one failed as stale', () => {
    const w = world(runOf(created(baseArgs({ num_games: 2000 })), approved()));
    expect(w.requestTask(workerInfo()).reply?.task_id).toBe(0);
    expect(w.requestTask(workerInfo()).reply?.task_id).toBe(1);
    expect(w.run.tasks.get(0)?.active).toBe(false);
    expect(w.run.workers).toBe(1);
  });

  it('a run of 1200 games: a completed task leaves the run open, the next task starts where it ended, the last one finishes the run', () => {
    const w = world(runOf(created(baseArgs({ num_games: 1200, tc: '10+0.01', new_tc: '10+0.01' })), approved()));
    const first = w.requestTask(workerInfo({ concurrency: 7 })).reply;
    const size = first?.run.my_task.num_games ?? 0;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(1200);
    expect(w.update(0, drawn(size), workerInfo({ concurrency: 7 }))).toEqual({ task_alive: false });
    expect(w.run.finished).toBe(false);
    const second = w.requestTask(workerInfo({ concurrency: 7 })).reply;
    expect(second?.run.my_task.start).toBe(size);
    expect(second?.run.my_task.num_games).toBe(1200 - size);
    expect(w.update(1, drawn(1200 - size), workerInfo({ concurrency: 7 }))).toEqual({ task_alive: false });
    expect(w.run.finished).toBe(true);
    expect([...w.run.tasks].every((task) => !task.active)).toBe(true);
  });

  it('update_task answers: odd total → error and the task stops; again → "not active"; partial → alive; complete → not alive', () => {
    const w = world(runOf(created(baseArgs({ num_games: 1000 })), approved()));
    w.requestTask(workerInfo({ concurrency: 1 }));
    w.requestTask(workerInfo({ concurrency: 1, unique_key: 'ffff0000-2869-4459-b722-1560ae3bd123' }));
    const odd: Results = { ...drawn(10), draws: 9 };
    expect(w.update(0, odd, workerInfo({ concurrency: 1 }))).toMatchObject({ task_alive: false, error: expect.stringMatching(/odd number of games/) });
    expect(w.update(0, odd, workerInfo({ concurrency: 1 }))).toEqual({ task_alive: false, info: `Update_task: task ${RUN_ID}/0 is not active` });
    const other = workerInfo({ concurrency: 1, unique_key: 'ffff0000-2869-4459-b722-1560ae3bd123' });
    const size = w.run.tasks.get(1)?.numGames ?? 0;
    expect(w.update(1, drawn(size - 2), other)).toEqual({ task_alive: true });
    expect(w.update(1, drawn(size), other)).toEqual({ task_alive: false });
  });

  it('no run: the worker is told there is no task waiting', () => {
    const w = world(runOf(created(baseArgs()))); // not approved
    expect(w.requestTask(workerInfo()).outcome).toEqual({ kind: 'no-run', diagnostics: [] });
  });
});
