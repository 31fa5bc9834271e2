import { describe, expect, it } from 'vitest';
import type { RunCommand, SpsaBatchReport } from '../../../src/domain/runs/commands.js';
import { runDecider } from '../../../src/domain/runs/decider.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import type { Run } from '../../../src/domain/runs/state.js';
import { spsaSignature } from '../../../src/domain/runs/adapters/spsa.js';
import { updateTaskReply } from '../../../src/domain/tasks/replies.js';
import { sameWorkerInfo } from '../../../src/domain/tasks/update-task.js';
import { fold, isRejection } from '../../../src/domain/shared/decider.js';
import type { Pentanomial, Results } from '../../../src/domain/shared/results.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import {
  apply,
  approved,
  assigned,
  at,
  baseArgs,
  context,
  created,
  RUN_ID,
  resultsOf,
  runOf,
  spec,
  spsaArgs,
  sprtArgs,
  T0,
  workerInfo,
} from '../runs/fixtures.js';

const update = (taskId: number, stats: Results, info: WorkerInfo = workerInfo(), spsa?: SpsaBatchReport): RunCommand => ({
  type: 'UpdateTask',
  data: { runId: RUN_ID, taskId, workerInfo: info, stats, ...(spsa ? { spsa } : {}) },
});

const reported = (taskId: number, stats: Results, delta: Results = stats): RunEvent =>
  runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId, stats, delta, workerInfo: workerInfo() });

const types = (events: readonly RunEvent[]): string[] => events.map((event) => event.type);

/** `pairs` game pairs, all drawn (pentanomial middle cell). */
const drawnPairs = (pairs: number): Results => resultsOf([0, 0, pairs, 0, 0]);

describe('update_task', () => {
  const fixedRun = [created(baseArgs({ num_games: 1000 })), approved(), assigned(0, 200)];

  it('adds the task\u2019s cumulative stats to the run as a delta', () => {
    const first = resultsOf([1, 2, 3, 2, 1]);
    const second = resultsOf([1, 3, 5, 3, 2]);
    const { state: afterFirst } = apply(runOf(...fixedRun), update(0, first));
    const { state: afterSecond, events } = apply(afterFirst, update(0, second));
    expect(events[0]).toMatchObject({ type: 'TaskResultsReported', data: { stats: second, delta: resultsOf([0, 1, 2, 1, 1]) } });
    expect((afterSecond as Run).results).toEqual(second);
    expect((afterSecond as Run).tasks.get(0)?.stats).toEqual(second);
  });

  it('keeps the worker info of the latest report (nps, ARCH)', () => {
    const info = workerInfo({ nps: 700_000, ARCH: 'avx2' });
    spec(...fixedRun)
      .when(update(0, drawnPairs(2), info), context())
      .then((events, after) => {
        expect(events[0]).toMatchObject({ data: { workerInfo: info } });
        expect((after as Run).tasks.get(0)?.workerInfo).toEqual(info);
      });
  });

  it('leaves the worker info out of the event when it did not change', () => {
    spec(...fixedRun)
      .when(update(0, drawnPairs(2), { ...workerInfo() }), context())
      .then((events) => expect(events[0]?.data).not.toHaveProperty('workerInfo'));
  });

  it('compares worker info field by field, lists by content', () => {
    const info = workerInfo();
    expect(sameWorkerInfo(info, workerInfo({ python_version: [3, 11, 7] }))).toBe(true);
    expect(sameWorkerInfo(info, workerInfo({ python_version: [3, 11, 8] }))).toBe(false);
    expect(sameWorkerInfo(info, workerInfo({ nps: 1 }))).toBe(false);
    expect(sameWorkerInfo(info, workerInfo({ modified: true }))).toBe(false);
    const withExtra = { ...info, extra: 'x' } as unknown as WorkerInfo;
    expect(sameWorkerInfo(info, withExtra)).toBe(false);
    expect(sameWorkerInfo(withExtra, info)).toBe(false);
    // A field present but undefined on one side is the same as a field left out.
    expect(sameWorkerInfo(info, { ...info, extra: undefined } as unknown as WorkerInfo)).toBe(true);
  });

  it('answers "not active" for a task that stopped, and changes nothing', () => {
    spec(...fixedRun, runEvent('TaskFailed', { runId: RUN_ID, at: at(T0), taskId: 0, message: 'x' }))
      .when(update(0, drawnPairs(2)), context())
      .thenRejects('task-inactive', `Update_task: task ${RUN_ID}/0 is not active`);
  });

  it('stops the task when its total shrinks (incompatible stats)', () => {
    spec(...fixedRun, reported(0, drawnPairs(4)))
      .when(update(0, drawnPairs(2)), context())
      .then((events, after) => {
        expect(events).toEqual([
          runEvent('TaskUpdateRejected', {
            runId: RUN_ID,
            at: at(T0),
            taskId: 0,
            error: `Update_task: task ${RUN_ID}/0 has incompatible stats. Before 8. Now 4. SPSA_games 0.`,
          }),
        ]);
        expect((after as Run).tasks.get(0)?.active).toBe(false);
      });
  });

  it('stops the task when it reports an odd number of new games', () => {
    const odd: Results = { ...drawnPairs(2), draws: 4, wins: 1, pentanomial: [0, 0, 2, 0, 0] };
    spec(...fixedRun)
      .when(update(0, odd), context())
      .then((events) =>
        expect(events[0]).toMatchObject({
          type: 'TaskUpdateRejected',
          data: { error: `Update_task: odd number of games received for task ${RUN_ID}/0. Before 0. Now 5.` },
        }),
      );
  });

  it('stops the task when an SPRT total is not a whole number of batches', () => {
    spec(created(sprtArgs()), approved(), assigned(0, 480))
      .when(update(0, drawnPairs(8)), context())
      .then((events) =>
        expect(events[0]).toMatchObject({
          type: 'TaskUpdateRejected',
          data: { error: `Update_task: the number of games received for task ${RUN_ID}/0 is incompatible with the SPRT batch size` },
        }),
      );
  });

  it('completes the task on its final update and answers task_alive false', () => {
    const given = [...fixedRun, reported(0, drawnPairs(50))];
    const state = runOf(...given);
    const decision = runDecider.decide(update(0, drawnPairs(100)), state, context());
    if (isRejection(decision)) throw new Error(decision.message);
    expect(types(decision)).toEqual(['TaskResultsReported', 'TaskCompleted']);
    const after = fold(runDecider.evolve, state, decision) as Run;
    expect(after.tasks.get(0)?.active).toBe(false);
    expect(after.committedGames).toBe(200);
    expect(updateTaskReply(decision, after, 0)).toEqual({ task_alive: false });
  });

  it('answers task_alive true while the task has games left', () => {
    const state = runOf(...fixedRun);
    const decision = runDecider.decide(update(0, drawnPairs(10)), state, context());
    if (isRejection(decision)) throw new Error(decision.message);
    expect(updateTaskReply(decision, fold(runDecider.evolve, state, decision), 0)).toEqual({ task_alive: true });
  });

  it('records crashes or time losses of a completed task (crash_or_time)', () => {
    spec(...fixedRun)
      .when(update(0, { ...drawnPairs(100), time_losses: 30 }), context())
      .then((events) =>
        expect(events[1]).toMatchObject({ type: 'TaskCompleted', data: { crashOrTime: 'Time losses:30(15.0%) Crashes:0(0.0%)' } }),
      );
  });

  it('finishes the run once num_games are played, with the finished_run text', () => {
    spec(created(baseArgs({ num_games: 200 })), approved(), assigned(0, 200))
      .when(update(0, resultsOf([10, 20, 40, 20, 10])), context())
      .then((events, after) => {
        expect(types(events)).toEqual(['TaskResultsReported', 'TaskCompleted', 'RunFinished']);
        expect(events[2]).toMatchObject({ data: { reason: 'games-reached' } });
        expect((events[2] as Extract<RunEvent, { type: 'RunFinished' }>).data.message).toMatch(
          /^Result:rejected Elo:-?0\.00\[-\d+\.\d\d,\d+\.\d\d\] LOS:50% Games:200 Ptnml:\[10,20,40,20,10\]$/,
        );
        expect(after).toMatchObject({ finished: true, workers: 0 });
      });
  });

  it('updates the SPRT with every accepted report and records it in the event', () => {
    spec(created(sprtArgs()), approved(), assigned(0, 480))
      .when(update(0, resultsOf([0, 2, 10, 4, 0])), context())
      .then((events, after) => {
        const sprt = (events[0] as Extract<RunEvent, { type: 'TaskResultsReported' }>).data.sprt;
        expect(sprt?.llr).toBeGreaterThan(0);
        expect(sprt?.state).toBe('');
        expect(sprt?.overshoot?.last_update).toBe(16);
        expect((after as Run).args.sprt).toEqual(sprt);
      });
  });

  it('finishes the run when the SPRT accepts, and the reply says task_alive false', () => {
    const strong: Pentanomial = [0, 20, 200, 400, 20];
    const state = runOf(created(sprtArgs()), approved(), assigned(0, 3200));
    const decision = runDecider.decide(update(0, resultsOf(strong)), state, context());
    if (isRejection(decision)) throw new Error(decision.message);
    expect(types(decision)).toEqual(['TaskResultsReported', 'RunFinished']);
    expect(decision[1]).toMatchObject({ data: { reason: 'sprt-accepted', flags: { isGreen: true, isYellow: false } } });
    expect((decision[1] as Extract<RunEvent, { type: 'RunFinished' }>).data.message).toMatch(
      /^Result:accepted Elo:\d+\.\d\d\[\d+\.\d\d,\d+\.\d\d\] LOS:100% Games:1280 Ptnml:\[0,20,200,400,20\]$/,
    );
    const after = fold(runDecider.evolve, state, decision);
    expect(updateTaskReply(decision, after, 0)).toEqual({ task_alive: false });
  });

  it('flags yellow a rejected SPRT that won more than it lost', () => {
    const state = runOf(created(sprtArgs({}, { elo0: 30, elo1: 35 })), approved(), assigned(0, 3200));
    const decision = runDecider.decide(update(0, resultsOf([50, 250, 1000, 250, 50])), state, context());
    if (isRejection(decision)) throw new Error(decision.message);
    const finished = decision.find((event) => event.type === 'RunFinished');
    expect(finished).toMatchObject({ data: { reason: 'sprt-rejected', flags: { isGreen: false, isYellow: false } } });
    const winning = runDecider.decide(update(0, resultsOf([50, 248, 1000, 252, 50])), state, context());
    if (isRejection(winning)) throw new Error(winning.message);
    expect(winning.find((event) => event.type === 'RunFinished')).toMatchObject({ data: { flags: { isYellow: true } } });
  });

  describe('SPSA runs', () => {
    const spsaRun = [created(spsaArgs()), approved(), assigned(0, 200)];
    const flips = [1, -1] as const;
    const issued = runEvent('SpsaStepIssued', { runId: RUN_ID, at: at(T0), taskId: 0, iter: 0, flips: [...flips] });
    const batch = (sig: number, wins = 6, losses = 2, draws = 4): SpsaBatchReport => ({ wins, losses, draws, num_games: 12, sig });

    it('applies a batch whose signature matches the issued step, and consumes the step', () => {
      spec(...spsaRun, issued)
        .when(update(0, drawnPairs(6), workerInfo(), batch(spsaSignature([...flips]))), context())
        .then((events, after) => {
          expect(types(events)).toEqual(['TaskResultsReported', 'SpsaResultsApplied']);
          const run = after as Run;
          expect(run.args.spsa?.iter).toBe(6);
          // θ moves by R·c·(W−L)·flip: up for the first parameter, down for the second.
          expect(run.args.spsa?.params[0]?.theta).toBeGreaterThan(100);
          expect(run.args.spsa?.params[1]?.theta).toBeLessThan(50);
          expect(run.tasks.get(0)?.spsaStep).toBeUndefined();
        });
    });

    it('discards a batch whose signature does not match, consuming the step', () => {
      spec(...spsaRun, issued)
        .when(update(0, drawnPairs(6), workerInfo(), batch(12345)), context())
        .then((events, after) => {
          expect(types(events)).toEqual(['TaskResultsReported', 'SpsaResultsDiscarded']);
          expect((after as Run).args.spsa?.params[0]?.theta).toBe(100);
          expect((after as Run).tasks.get(0)?.spsaStep).toBeUndefined();
        });
    });

    it('ignores the batch when no step is pending (e.g. after a restart)', () => {
      spec(...spsaRun)
        .when(update(0, drawnPairs(6), workerInfo(), batch(0)), context())
        .then((events) => expect(types(events)).toEqual(['TaskResultsReported']));
    });

    it('refuses an update that does not add games (incompatible stats)', () => {
      spec(...spsaRun, reported(0, drawnPairs(6)))
        .when(update(0, drawnPairs(6), workerInfo(), batch(0)), context())
        .then((events) =>
          expect(events[0]).toMatchObject({
            type: 'TaskUpdateRejected',
            data: { error: `Update_task: task ${RUN_ID}/0 has incompatible stats. Before 12. Now 12. SPSA_games 12.` },
          }),
        );
    });

    it('refuses an SPSA update without its spsa block (upstream: internal error)', () => {
      spec(...spsaRun).when(update(0, drawnPairs(6)), context()).thenRejects('spsa-results-missing');
    });

    it('finishes with "SPSA tune finished" and never auto-purges', () => {
      spec(created(spsaArgs({ auto_purge: true })), approved(), assigned(0, 20_000))
        .when(update(0, drawnPairs(10_000), workerInfo(), batch(0)), context())
        .then((events) => {
          expect(types(events)).toEqual(['TaskResultsReported', 'TaskCompleted', 'RunFinished']);
          expect(events[2]).toMatchObject({ data: { message: 'SPSA tune finished', flags: { isGreen: false, isYellow: false } } });
        });
    });
  });

  it('refuses an unknown task id', () => {
    spec(...fixedRun).when(update(7, drawnPairs(1)), context()).thenRejects('invalid-task', `Invalid task_id 7 for run_id ${RUN_ID}`);
  });
});
