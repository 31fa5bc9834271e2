import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runEvent } from '../../../src/domain/runs/events.js';
import { taskSize, workerCap } from '../../../src/domain/tasks/sizing.js';
import { approved, assigned, at, baseArgs, context, created, machine, RUN_ID, resultsOf, spec, sprtArgs, T0, workerInfo } from '../runs/fixtures.js';

const assign = (concurrency = 8): RunCommand => ({
  type: 'AssignTask',
  data: { runId: RUN_ID, workerInfo: workerInfo({ concurrency }) },
});

describe('task sizing (worker_cap)', () => {
  it('plans about 1800 s of play: 8 cores at 10+0.1 give 466 games', () => {
    expect(workerCap(baseArgs(), 8)).toBe(466);
  });
  it('rounds SPRT tasks to whole batches: 480 games with 32-game batches', () => {
    expect(workerCap(sprtArgs(), 8)).toBe(480);
  });
  it('counts parallel games as cores divided by threads', () => {
    // One 8-thread game at a time; a 5+0.05 game lasts (5 + 68·0.05)·1.84 = 15.456 s.
    expect(workerCap(baseArgs({ threads: 8, tc: '5+0.05' }), 8)).toBe(116);
    expect(workerCap(baseArgs({ threads: 8, tc: '5+0.05' }), 16)).toBe(232);
  });
  it('never plans fewer than one batch or one game pair', () => {
    expect(workerCap(sprtArgs({ tc: '1000+10' }), 1)).toBe(2 * (sprtArgs({ tc: '1000+10' }).sprt?.batch_size ?? 0));
    expect(workerCap(baseArgs({ tc: '1000+10' }), 1)).toBe(2);
  });
  it('gives no more than the run still needs, rounding an SPRT remainder up to a batch', () => {
    expect(taskSize(baseArgs(), 8, 100)).toBe(100);
    expect(taskSize(sprtArgs(), 8, 100)).toBe(128);
  });
});

describe('task assignment', () => {
  it('starts the task at the run\u2019s total games (its own slice of the opening book)', () => {
    spec(created(baseArgs({ num_games: 2000 })), approved(), assigned(0, 466))
      .when(assign(), context(T0 + 5))
      .then([
        runEvent('TaskAssigned', {
          runId: RUN_ID,
          at: at(T0 + 5),
          taskId: 1,
          numGames: 466,
          start: 466,
          workerInfo: workerInfo({ concurrency: 8 }),
        }),
      ]);
  });

  it('sizes the last task to the remaining games', () => {
    spec(created(baseArgs({ num_games: 1000 })), approved(), assigned(0, 900))
      .when(assign(), context())
      .then((events) => expect(events[0]).toMatchObject({ data: { numGames: 100, start: 900 } }));
  });

  it('gives the unplayed games of a stopped task to the next one', () => {
    spec(
      created(baseArgs({ num_games: 1000 })),
      approved(),
      assigned(0, 1000),
      runEvent('TaskResultsReported', {
        runId: RUN_ID,
        at: at(T0),
        taskId: 0,
        stats: resultsOf([0, 0, 100, 0, 0]),
        delta: resultsOf([0, 0, 100, 0, 0]),
        workerInfo: workerInfo(),
      }),
      runEvent('TaskDead', { runId: RUN_ID, at: at(T0), taskId: 0 }),
    )
      .when(assign(), context())
      .then((events) => expect(events[0]).toMatchObject({ data: { taskId: 1, numGames: 466, start: 1000 } }));
  });

  it('answers "alas … no longer needs games" when the run filled up meanwhile', () => {
    spec(created(baseArgs({ num_games: 1000 })), approved(), assigned(0, 1000, machine(2)))
      .when(assign(), context())
      .thenRejects(
        'run-not-needing-games',
        `Request_task: alas the run ${RUN_ID} corresponding to the assigned task no longer needs games. Please try again...`,
      );
  });

  it('answers the same when the run finished meanwhile', () => {
    spec(created(), runEvent('RunStopped', {
      runId: RUN_ID,
      at: at(T0),
      cause: 'user',
      by: 'owner',
      message: 'User stop',
      failed: false,
      flags: { isGreen: false, isYellow: false },
    }))
      .when(assign(), context())
      .thenRejects('run-not-needing-games');
  });
});
