import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runDecider } from '../../../src/domain/runs/decider.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import type { Run } from '../../../src/domain/runs/state.js';
import { spsaSignature } from '../../../src/domain/runs/adapters/spsa.js';
import { beatReply, failedTaskReply, requestSpsaReply, stopRunReply } from '../../../src/domain/tasks/replies.js';
import { isRejection } from '../../../src/domain/shared/decider.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import {
  approved,
  assigned,
  at,
  baseArgs,
  context,
  created,
  machine,
  RUN_ID,
  resultsOf,
  runOf,
  SECOND,
  spec,
  spsaArgs,
  T0,
  workerInfo,
} from '../runs/fixtures.js';

const types = (events: readonly RunEvent[]): string[] => events.map((event) => event.type);
const running = [created(baseArgs({ num_games: 1000 })), approved(), assigned(0, 200)];

describe('failed_task', () => {
  const fail = (message: string): RunCommand => ({ type: 'FailTask', data: { runId: RUN_ID, taskId: 0, message } });

  it('stops the task and records the worker\u2019s message', () => {
    spec(...running)
      .when(fail('Finished match uncleanly'), context())
      .then((events, after) => {
        expect(events).toEqual([runEvent('TaskFailed', { runId: RUN_ID, at: at(T0), taskId: 0, message: 'Finished match uncleanly' })]);
        expect(after).toMatchObject({ workers: 0, cores: 0, committedGames: 0 });
        expect(failedTaskReply(events)).toEqual({});
      });
  });

  it('cuts the message to 5120 characters', () => {
    spec(...running)
      .when(fail('x'.repeat(6000)), context())
      .then((events) => expect((events[0] as Extract<RunEvent, { type: 'TaskFailed' }>).data.message).toHaveLength(5120));
  });

  it('records crashes of the failed task (crash_or_time)', () => {
    const stats = { ...resultsOf([0, 0, 5, 0, 0]), crashes: 4 };
    spec(...running, runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }))
      .when(fail('crash'), context())
      .then((events) => expect(events[0]).toMatchObject({ data: { crashOrTime: 'Time losses:0(0.0%) Crashes:4(40.0%)' } }));
  });

  it('answers "not active" for a task that already stopped', () => {
    const rejection = spec(...running, runEvent('TaskDead', { runId: RUN_ID, at: at(T0), taskId: 0 }))
      .when(fail('late'), context())
      .thenRejects('task-inactive', `Failed_task: task ${RUN_ID}/0 is not active`);
    expect(failedTaskReply(rejection)).toEqual({ task_alive: false, info: `Failed_task: task ${RUN_ID}/0 is not active` });
  });

  it('fails a worker name\u2019s previous task with "Stale active task"', () => {
    spec(...running)
      .when(fail('Stale active task'), context())
      .then((events) => expect(events[0]).toMatchObject({ type: 'TaskFailed', data: { message: 'Stale active task' } }));
  });
});

describe('dead tasks', () => {
  const scavenge = (lastBeatAt?: ReadonlyMap<number, number>): RunCommand => ({
    type: 'ScavengeDeadTasks',
    data: { runId: RUN_ID, ...(lastBeatAt ? { lastBeatAt } : {}) },
  });
  const twoTasks = [...running, assigned(1, 200, machine(2), T0 + 100 * SECOND)];

  it('declares dead the active tasks silent for more than 360 s', () => {
    spec(...twoTasks)
      .when(scavenge(), context(T0 + 361 * SECOND))
      .then((events, after) => {
        expect(events).toEqual([runEvent('TaskDead', { runId: RUN_ID, at: at(T0 + 361 * SECOND), taskId: 0 })]);
        expect((after as Run).tasks.get(0)?.active).toBe(false);
        expect((after as Run).tasks.get(1)?.active).toBe(true);
      });
  });

  it('keeps tasks silent for exactly 360 s', () => {
    spec(...twoTasks).when(scavenge(), context(T0 + 360 * SECOND)).thenNothingHappened();
  });

  it('counts heartbeats, which are not events', () => {
    spec(...twoTasks).when(scavenge(new Map([[0, T0 + 300 * SECOND]])), context(T0 + 400 * SECOND)).thenNothingHappened();
  });

  it('counts the last accepted update', () => {
    const stats = resultsOf([0, 0, 2, 0, 0]);
    spec(...running, runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0 + 100 * SECOND), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }))
      .when(scavenge(), context(T0 + 400 * SECOND))
      .thenNothingHappened();
  });
});

describe('heartbeat', () => {
  it('answers whether the task is still alive', () => {
    expect(beatReply(runOf(...running), 0)).toEqual({ task_alive: true });
    expect(beatReply(runOf(...running, runEvent('TaskDead', { runId: RUN_ID, at: at(T0), taskId: 0 })), 0)).toEqual({ task_alive: false });
  });
});

describe('request_spsa', () => {
  const spsaRun = [created(spsaArgs()), approved(), assigned(0, 200)];
  const requestStep: RunCommand = { type: 'RequestSpsaStep', data: { runId: RUN_ID, taskId: 0 } };

  it('issues one random flip per parameter at the current iteration, from the injected source', () => {
    const draws = [0.9, 0.1];
    const random = () => draws.shift() ?? 0;
    spec(...spsaRun)
      .when(requestStep, context(T0, { random }))
      .then((events, after) => {
        expect(events).toEqual([runEvent('SpsaStepIssued', { runId: RUN_ID, at: at(T0), taskId: 0, iter: 0, flips: [1, -1] })]);
        expect((after as Run).tasks.get(0)?.spsaStep).toEqual({ iter: 0, flips: [1, -1] });
      });
  });

  it('answers the worker with white/black values, c, R and the crc32 signature of the flips', () => {
    const state = runOf(...spsaRun);
    const decision = runDecider.decide(requestStep, state, context(T0, { random: () => 0.7 }));
    const reply = requestSpsaReply(decision, state);
    expect(reply).toMatchObject({ task_alive: true, sig: spsaSignature([1, 1]) });
    if (!('w_params' in reply)) throw new Error('no step');
    const [w] = reply.w_params;
    const [b] = reply.b_params;
    expect(w?.name).toBe('A');
    expect(w?.flip).toBe(1);
    expect(w?.value).toBeCloseTo(100 + (w?.c ?? 0), 10);
    expect(b?.value).toBeCloseTo(100 - (w?.c ?? 0), 10);
  });

  it('packs flips like numpy (first flip in the top bit, 1 for +1) before the crc32', () => {
    // zlib.crc32(b'\x80'), zlib.crc32(b'\x40'), zlib.crc32(bytes([0b10110000])) in Python
    expect(spsaSignature([1, -1])).toBe(0x3fba6cad);
    expect(spsaSignature([-1, 1])).toBe(0xa4deae1d);
    expect(spsaSignature([1, -1, 1, 1])).toBe(0x19635c01);
  });

  it('answers "not active" for a stopped task', () => {
    spec(...spsaRun, runEvent('TaskDead', { runId: RUN_ID, at: at(T0), taskId: 0 }))
      .when(requestStep, context(T0, { random: () => 0 }))
      .thenRejects('task-inactive', `request_spsa_data: task ${RUN_ID}/0 is not active`);
  });

  it('needs an injected random source', () => {
    spec(...spsaRun).when(requestStep, context()).thenRejects('randomness-missing');
  });
});

describe('stop_run from a worker', () => {
  const stop = (cpuHours: number, info: WorkerInfo = workerInfo()): RunCommand => ({
    type: 'StopRunFromWorker',
    data: { runId: RUN_ID, taskId: 0, workerInfo: info, message: 'Wrong bench in base', cpuHours },
  });

  it('fails and stops the run for a user with at least 1000 CPU hours', () => {
    spec(...running)
      .when(stop(1000), context())
      .then((events, after) => {
        expect(events).toEqual([
          runEvent('RunStopped', {
            runId: RUN_ID,
            at: at(T0),
            cause: 'worker',
            by: 'alice',
            message: 'Wrong bench in base',
            worker: { taskId: 0, workerName: 'alice-8cores-abcd1234-2869' },
            failed: true,
            flags: { isGreen: false, isYellow: false },
          }),
        ]);
        expect(after).toMatchObject({ finished: true, failed: true, failures: 1 });
        expect(stopRunReply(events, 'alice')).toEqual({});
      });
  });

  it('tries the auto-purge, which refuses a failed run', () => {
    spec(created(baseArgs({ auto_purge: true })), approved(), assigned(0, 200))
      .when(stop(5000), context())
      .then((events) => {
        expect(types(events)).toEqual(['RunStopped', 'RunPurgeRefused']);
        expect(events[1]).toMatchObject({ data: { mode: 'auto', by: 'owner', reason: 'You cannot purge a failed run' } });
      });
  });

  it('only stops the task of a user with fewer CPU hours, and answers 401', () => {
    spec(...running)
      .when(stop(999.9), context())
      .then((events, after) => {
        expect(events).toEqual([
          runEvent('RunStopRefused', {
            runId: RUN_ID,
            at: at(T0),
            by: 'alice',
            taskId: 0,
            workerName: 'alice-8cores-abcd1234-2869',
            message: 'Wrong bench in base (not authorized)',
          }),
        ]);
        expect(after).toMatchObject({ finished: false, workers: 0 });
        expect(stopRunReply(events, 'alice')).toEqual({ envelope: true, status: 401, error: 'User alice has too few games to stop a run' });
      });
  });

  it('leaves a finished run alone: 401 "already finished"', () => {
    const rejection = spec(...running, runEvent('RunFinished', { runId: RUN_ID, at: at(T0), reason: 'games-reached', flags: { isGreen: false, isYellow: false } }))
      .when(stop(5000), context())
      .thenRejects('run-finished', `Run ${RUN_ID} is already finished`);
    expect(stopRunReply(rejection, 'alice')).toMatchObject({ status: 401 });
  });
});

describe('worker_log and upload_pgn', () => {
  it('records a worker\u2019s log line with its long name', () => {
    spec(...running)
      .when({ type: 'LogWorkerMessage', data: { runId: RUN_ID, taskId: 0, workerInfo: workerInfo({ modified: true }), message: 'Engine is not responsive' } }, context())
      .then([
        runEvent('WorkerLogged', {
          runId: RUN_ID,
          at: at(T0),
          taskId: 0,
          username: 'alice',
          workerName: 'alice-8cores-abcd1234-2869*',
          message: 'Engine is not responsive',
        }),
      ]);
  });

  it('accepts a PGN for a task that already stopped', () => {
    spec(...running, runEvent('TaskFailed', { runId: RUN_ID, at: at(T0), taskId: 0, message: 'x' }))
      .when({ type: 'RecordPgnUpload', data: { runId: RUN_ID, taskId: 0, size: 1234, blobId: 'sha256:abc' } }, context())
      .then([runEvent('PgnUploaded', { runId: RUN_ID, at: at(T0), taskId: 0, size: 1234, blobId: 'sha256:abc' })]);
  });

  it('refuses an unknown task', () => {
    const decision = runDecider.decide({ type: 'RecordPgnUpload', data: { runId: RUN_ID, taskId: 3, size: 1, blobId: 'b' } }, runOf(...running), context());
    expect(isRejection(decision) && decision.code).toBe('invalid-task');
  });
});
