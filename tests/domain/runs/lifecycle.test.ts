import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import { computeFlags } from '../../../src/domain/runs/flags.js';
import { finishedRunMessage } from '../../../src/domain/runs/run-messages.js';
import type { Run } from '../../../src/domain/runs/state.js';
import { approved, assigned, at, baseArgs, context, created, DAY, machine, RUN_ID, resultsOf, spec, spsaArgs, sprtArgs, T0, workerInfo } from './fixtures.js';

const types = (events: readonly RunEvent[]): string[] => events.map((event) => event.type);
const noFlags = { isGreen: false, isYellow: false };

const approve = (by: string, isApprover = true): RunCommand => ({ type: 'ApproveRun', data: { runId: RUN_ID, by, isApprover } });

describe('approve', () => {
  it('lets an approver approve someone else\u2019s run', () => {
    spec(created()).when(approve('approver1'), context()).then([runEvent('RunApproved', { runId: RUN_ID, at: at(T0), approver: 'approver1' })]);
  });
  it('is for approvers only', () => {
    spec(created()).when(approve('someone', false), context()).thenRejects('not-approver', 'Please login as approver');
  });
  it('forbids approving one\u2019s own run', () => {
    spec(created()).when(approve('owner'), context()).thenRejects('self-approval', `Run ${RUN_ID}: Self approval is disabled!`);
  });
  it('approves only once', () => {
    spec(created(), approved()).when(approve('approver2'), context()).thenRejects('already-approved', `Run ${RUN_ID} already approved!`);
  });
  it('needs the run to exist', () => {
    spec().when(approve('approver1'), context()).thenRejects('run-not-found', `Run ${RUN_ID} not found!`);
  });
});

describe('modify', () => {
  const modify = (values: Partial<Extract<RunCommand, { type: 'ModifyRun' }>['data']> = {}): RunCommand => ({
    type: 'ModifyRun',
    data: { runId: RUN_ID, by: 'owner', isApprover: false, numGames: '20000', priority: '0', throughput: '100', autoPurge: false, ...values },
  });
  const fixedRun = [created(baseArgs({ num_games: 20_000 })), approved()];

  it('changes priority, throughput, auto-purge and num_games and writes upstream\u2019s audit text', () => {
    spec(created(sprtArgs()), approved())
      .when(modify({ numGames: '900000', priority: '-1', throughput: '50', autoPurge: true }), context())
      .then((events, after) => {
        expect(events).toEqual([
          runEvent('RunModified', {
            runId: RUN_ID,
            at: at(T0),
            by: 'owner',
            changes: {
              priority: { from: 0, to: -1 },
              num_games: { from: 800_000, to: 900_000 },
              throughput: { from: 100, to: 50 },
              auto_purge: { from: false, to: true },
            },
            message:
              'modify: priority changed from 0 to -1, num-games changed from 800000 to 900000, throughput changed from 100 to 50, auto-purge changed from False to True',
          }),
        ]);
        expect((after as Run).args).toMatchObject({ num_games: 900_000, priority: -1, throughput: 50, auto_purge: true });
      });
  });

  it('lets the owner replace the info (trimmed), ignoring a blank one', () => {
    spec(...fixedRun)
      .when(modify({ info: '  New idea  ' }), context())
      .then((_, after) => expect((after as Run).args.info).toBe('New idea'));
    spec(...fixedRun)
      .when(modify({ info: '   ' }), context())
      .then((_, after) => expect((after as Run).args.info).toBe('Some idea'));
  });

  it('does not let an approver change another user\u2019s info', () => {
    spec(...fixedRun)
      .when(modify({ by: 'approver1', isApprover: true, info: 'x' }), context())
      .then((_, after) => expect((after as Run).args.info).toBe('Some idea'));
  });

  it('refuses runs more than 30 days old', () => {
    spec(...fixedRun).when(modify(), context(T0 + 31 * DAY)).thenRejects('run-too-old', 'Run too old to be modified');
    spec(...fixedRun).when(modify(), context(T0 + 31 * DAY - 1)).then((events) => expect(types(events)).toEqual(['RunModified']));
  });

  it('needs the number of games', () => {
    spec(...fixedRun).when(modify({ numGames: undefined }), context()).thenRejects('invalid-modification', 'Unable to modify with no number of games!');
  });

  it('refuses values that are not integers', () => {
    spec(...fixedRun).when(modify({ priority: '1.5' }), context()).thenRejects('invalid-modification', 'Bad values!');
    spec(...fixedRun).when(modify({ throughput: 'abc' }), context()).thenRejects('invalid-modification', 'Bad values!');
  });

  it('refuses to increase the games of a fixed-games run (decreasing is fine)', () => {
    spec(...fixedRun).when(modify({ numGames: '21000' }), context()).thenRejects('invalid-modification', 'Unable to modify number of games in a fixed game test!');
    spec(...fixedRun).when(modify({ numGames: '10000' }), context()).then((events) => expect(events[0]).toMatchObject({ data: { changes: { num_games: { to: 10_000 } } } }));
  });

  it('refuses any change of the games of an SPSA run', () => {
    spec(created(spsaArgs()), approved())
      .when(modify({ numGames: '19000' }), context())
      .thenRejects('invalid-modification', 'Unable to modify number of games for SPSA tests, SPSA hyperparams are based off the initial number of games');
  });

  it('needs num_games ≥ 0, a multiple of 1000 and ≤ 3200000', () => {
    spec(created(sprtArgs()), approved()).when(modify({ numGames: '-1000' }), context()).thenRejects('invalid-modification', 'Number of games must be >= 0');
    spec(created(sprtArgs()), approved()).when(modify({ numGames: '1500' }), context()).thenRejects('invalid-modification', 'Number of games must be a multiple of 1000');
    spec(created(sprtArgs()), approved()).when(modify({ numGames: '3201000' }), context()).thenRejects('invalid-modification', 'Number of games must be <= 3200000');
  });

  it('is for the owner or an approver', () => {
    spec(...fixedRun).when(modify({ by: 'mallory' }), context()).thenRejects('not-allowed', "Unable to modify another user's run!");
  });

  it('unapproves when a non-approver raises throughput above max(old, 100)', () => {
    spec(...fixedRun)
      .when(modify({ throughput: '101' }), context())
      .then((events, after) => {
        expect(types(events)).toEqual(['RunUnapproved', 'RunModified']);
        expect(after).toMatchObject({ approved: false, approver: '' });
      });
    spec(...fixedRun).when(modify({ throughput: '100' }), context()).then((events) => expect(types(events)).toEqual(['RunModified']));
  });

  it('unapproves when a non-approver raises priority above max(old, 0)', () => {
    spec(...fixedRun).when(modify({ priority: '1' }), context()).then((events) => expect(types(events)).toEqual(['RunUnapproved', 'RunModified']));
  });

  it('unapproves any non-approver modification of a failed run', () => {
    const failedStop = runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'worker', by: 'w', message: 'x', worker: { taskId: 0, workerName: 'w' }, failed: true, flags: noFlags });
    spec(...fixedRun, failedStop).when(modify(), context()).then((events) => expect(types(events)[0]).toBe('RunUnapproved'));
  });

  it('never unapproves for an approver', () => {
    spec(...fixedRun).when(modify({ by: 'approver1', isApprover: true, throughput: '500', priority: '5' }), context()).then((events) => expect(types(events)).toEqual(['RunModified']));
  });

  it('revives a finished run that the change leaves undecided', () => {
    const stopped = runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'user', by: 'owner', message: 'User stop', failed: false, flags: noFlags });
    spec(created(sprtArgs()), approved(), stopped)
      .when(modify({ numGames: '800000' }), context())
      .then((events, after) => {
        expect(types(events)).toEqual(['RunModified', 'RunRevived']);
        expect(after).toMatchObject({ finished: false });
      });
  });

  it('finishes a running run whose new num_games it already played (upstream waits for the next update)', () => {
    const stats = resultsOf([0, 0, 1000, 0, 0]);
    spec(
      created(sprtArgs()),
      approved(),
      assigned(0, 4000),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }),
    )
      .when(modify({ numGames: '2000' }), context())
      .then((events, after) => {
        expect(types(events)).toEqual(['RunModified', 'RunFinished']);
        expect(after).toMatchObject({ finished: true, workers: 0 });
      });
  });

  it('does not revive a run that has played its games', () => {
    const stats = resultsOf([0, 0, 1000, 0, 0]);
    spec(
      created(baseArgs({ num_games: 2000 })),
      approved(),
      assigned(0, 2000),
      runEvent('TaskResultsReported', { runId: RUN_ID, at: at(T0), taskId: 0, stats, delta: stats, workerInfo: workerInfo() }),
      runEvent('RunFinished', { runId: RUN_ID, at: at(T0), reason: 'games-reached', flags: noFlags }),
    )
      .when(modify({ numGames: '2000' }), context())
      .then((events) => expect(types(events)).toEqual(['RunModified']));
  });
});

describe('stop and delete', () => {
  const stop = (by: string, isApprover = false): RunCommand => ({ type: 'StopRun', data: { runId: RUN_ID, by, isApprover } });
  const del = (by: string, isApprover = false): RunCommand => ({ type: 'DeleteRun', data: { runId: RUN_ID, by, isApprover } });
  const running = [created(baseArgs({ num_games: 20_000 })), approved(), assigned(0, 466), assigned(1, 466, machine(2))];

  it('stops every task of the run ("User stop")', () => {
    spec(...running)
      .when(stop('owner'), context())
      .then((events, after) => {
        expect(events).toEqual([runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'user', by: 'owner', message: 'User stop', failed: false, flags: noFlags })]);
        expect(after).toMatchObject({ finished: true, workers: 0, cores: 0, committedGames: 0 });
      });
  });

  it('lets an approver stop another user\u2019s run, and nobody else', () => {
    spec(...running).when(stop('approver1', true), context()).then((events) => expect(types(events)).toEqual(['RunStopped']));
    spec(...running).when(stop('mallory'), context()).thenRejects('not-allowed', 'Unable to modify another users run!');
  });

  it('runs the automatic purge after a stop when the run asks for it', () => {
    spec(created(baseArgs({ auto_purge: true })), approved())
      .when(stop('owner'), context())
      .then((events) => {
        expect(types(events)).toEqual(['RunStopped', 'RunPurgeRefused']);
        expect(events[1]).toMatchObject({ data: { mode: 'auto', by: 'owner', reason: 'No bad workers' } });
      });
  });

  it('deletes a run: stopped, flagged deleted, no purge', () => {
    spec(created(baseArgs({ auto_purge: true })), approved(), assigned(0, 100))
      .when(del('owner'), context())
      .then((events, after) => {
        expect(events).toEqual([runEvent('RunDeleted', { runId: RUN_ID, at: at(T0), by: 'owner', flags: noFlags })]);
        expect(after).toMatchObject({ finished: true, deleted: true, workers: 0 });
      });
    spec(...running).when(del('mallory'), context()).thenRejects('not-allowed', 'Unable to modify another users run!');
  });
});

describe('result flags and the finished_run text', () => {
  it('flags nothing for SPSA runs', () => {
    expect(computeFlags(spsaArgs(), resultsOf([0, 0, 0, 0, 100]))).toEqual(noFlags);
  });
  it('flags green an accepted SPRT', () => {
    const args = sprtArgs();
    expect(computeFlags({ ...args, sprt: { ...args.sprt!, state: 'accepted' } }, resultsOf([1, 1, 1, 1, 1]))).toEqual({ isGreen: true, isYellow: false });
  });
  it('flags yellow a rejected run that won more than it lost, nothing when it did not', () => {
    const args = sprtArgs();
    const rejected = { ...args, sprt: { ...args.sprt!, state: 'rejected' as const } };
    expect(computeFlags(rejected, resultsOf([1, 1, 1, 2, 1]))).toEqual({ isGreen: false, isYellow: true });
    expect(computeFlags(rejected, resultsOf([1, 1, 1, 1, 1]))).toEqual(noFlags);
  });
  it('flags nothing for a stopped SPRT', () => {
    expect(computeFlags(sprtArgs(), resultsOf([0, 0, 0, 0, 100]))).toEqual(noFlags);
  });
  it('judges fixed-games runs by LOS: > 95% green, < 5% rejected', () => {
    expect(computeFlags(baseArgs(), resultsOf([10, 20, 100, 40, 30]))).toEqual({ isGreen: true, isYellow: false });
    expect(computeFlags(baseArgs(), resultsOf([30, 40, 100, 20, 10]))).toEqual(noFlags);
    expect(computeFlags(baseArgs(), resultsOf([10, 20, 100, 20, 10]))).toEqual(noFlags);
  });
  it('writes "Result:… Elo:…[…] LOS:…% Games:… Ptnml:[…]"', () => {
    expect(finishedRunMessage(baseArgs(), resultsOf([10, 20, 100, 40, 30]), true)).toMatch(
      /^Result:accepted Elo:\d+\.\d\d\[\d+\.\d\d,\d+\.\d\d\] LOS:\d+% Games:400 Ptnml:\[10,20,100,40,30\]$/,
    );
    expect(finishedRunMessage(spsaArgs(), resultsOf([1, 1, 1, 1, 1]), false)).toBe('SPSA tune finished');
  });
});

describe('stopping a finished run', () => {
  it('stops it again, as upstream does (and the auto-purge runs again)', () => {
    const stopped = runEvent('RunStopped', { runId: RUN_ID, at: at(T0), cause: 'user', by: 'owner', message: 'User stop', failed: false, flags: noFlags });
    spec(created(baseArgs({ auto_purge: true })), approved(), stopped)
      .when({ type: 'StopRun', data: { runId: RUN_ID, by: 'owner', isApprover: false } }, context())
      .then((events) => expect(types(events)).toEqual(['RunStopped', 'RunPurgeRefused']));
  });
});
