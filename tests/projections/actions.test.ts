import { describe, expect, it } from 'vitest';
import { ACTION_MESSAGE_SIZE, actionId, runDisplayName, type ActionDocument } from '../../src/projections/actions/actionDocument.js';
import { ACTION_RUNS, ACTION_TASKS, ACTIONS, actionsProjection } from '../../src/projections/actions/actionsProjection.js';
import { runEventActions } from '../../src/projections/actions/auditActions.js';
import type { RecordedEvent } from '../../src/stores/events/port.js';
import { toIso } from '../../src/domain/shared/time.js';
import { sprtArgs } from '../domain/runs/fixtures.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { alice, bob, buildScenario, MINUTE, RUN_FIXED, RUN_SPRT, RUN_SPSA, runDriver, T0 } from '../http/public/support/runScenario.js';

describe('actions read model (audit log)', () => {
  const scenario = buildScenario();
  const recorded = recordAll(scenario.events);
  const actions = docsOf(projectInMemory([actionsProjection], recorded), ACTIONS) as ActionDocument[];
  const named = (action: string) => actions.filter((entry) => entry.action === action);

  it('writes one entry per auditable event, in log order, with upstream action names', () => {
    expect(actions.map((entry) => entry.action)).toEqual([
      'accept_user',
      'upload_nn',
      'upload_nn',
      'new_run',
      'new_run',
      'new_run',
      'new_run',
      'approve_run',
      'approve_run',
      'approve_run',
      'finished_run',
      'crash_or_time',
      'failed_task',
      'worker_log',
      'modify_run',
      'stop_run',
      'purge_run',
      'stop_run',
      'dead_task',
      'delete_run',
      'block_user',
    ]);
  });

  it('names runs as upstream does: branch (≤ 23 characters) and 7 hex digits of md5(run id)', () => {
    expect(runDisplayName('sprt-branch', RUN_SPRT)).toBe('sprt-branch-25b9ba7');
    expect(runDisplayName('a-very-long-branch-name-exceeding', RUN_FIXED)).toBe('a-very-long-branch-name-72d299d');
    expect(named('new_run')[0]).toMatchObject({
      username: 'owner',
      run_id: RUN_SPRT,
      run: 'sprt-branch-25b9ba7',
      message: expect.stringMatching(/^SPRT<0\.00,2\.00> TC:10\+0\.1 Book:UHO_Lichess_4852_v1\.epd Threads:1 Hash:16\/16$/),
    });
  });

  it('names the worker of a failed task, its crashes and the failure, and stamps the stored time', () => {
    const [crash] = named('crash_or_time');
    const [failed] = named('failed_task');
    const failedEvent = recorded.find((event) => event.type === 'TaskFailed')!;
    expect(crash).toMatchObject({
      username: 'bob',
      worker: 'bob-4cores-m0000002-2869',
      run_id: RUN_SPRT,
      task_id: 1,
      message: 'Time losses:0(0.0%) Crashes:5(15.6%)',
    });
    expect(failed).toMatchObject({ username: 'bob', worker: 'bob-4cores-m0000002-2869', task_id: 1, message: 'Engine crashed' });
    expect(failed!.time).toBe(Date.parse(failedEvent.metadata.serverTime) / 1000);
    expect(failed!._id).toBe(actionId(failedEvent.position, 1));
  });

  it('records stops by users and by workers, purges, finishes, deaths and deletions', () => {
    const [userStop, workerStop] = named('stop_run');
    expect(userStop).toMatchObject({ username: 'owner', message: 'User stop' });
    expect(userStop).not.toHaveProperty('worker');
    expect(workerStop).toMatchObject({ username: 'alice', worker: 'alice-8cores-m0000007-2869', task_id: 3, message: 'bench mismatch' });
    expect(named('purge_run')[0]).toMatchObject({ username: 'owner', message: 'Manual purge' });
    expect(named('finished_run')[0]).toMatchObject({ username: 'bob', run_id: RUN_FIXED, message: expect.stringMatching(/^Result:/) });
    expect(named('dead_task')[0]).toMatchObject({ username: 'bob', worker: 'bob-4cores-m0000005-2869', run_id: RUN_SPSA, task_id: 0 });
    expect(named('dead_task')[0]).not.toHaveProperty('message');
    expect(named('delete_run')[0]).toMatchObject({ username: 'alice', run_id: RUN_SPSA });
    expect(named('worker_log')[0]).toMatchObject({ username: 'alice', worker: 'alice-8cores-m0000001-2869', task_id: 0, message: 'hello from alice' });
  });

  it('records users and networks', () => {
    expect(named('accept_user')[0]).toMatchObject({ username: 'approver1', user: 'alice', message: 'accepted' });
    expect(named('block_user')[0]).toMatchObject({ username: 'approver1', user: 'bob', message: 'blocked' });
    expect(named('upload_nn')[0]).toMatchObject({ username: 'owner', nn: 'nn-1111111111aa.nnue' });
  });

  it('orders ids like log positions and truncates long messages to 5120 characters', () => {
    expect(actionId(9n, 0) < actionId(10n, 0)).toBe(true);
    expect(actionId(10n, 0) < actionId(10n, 1)).toBe(true);
    const [entry] = runEventActions(
      { type: 'RunPurgeRefused', data: { runId: RUN_SPRT, at: '2026-11-01T00:00:00.000Z', by: 'x', mode: 'auto', reason: 'y'.repeat(6000) } },
      null,
    );
    expect(entry?.message).toHaveLength(ACTION_MESSAGE_SIZE);
    expect(entry?.message?.startsWith('Auto purge (not performed): yyy')).toBe(true);
  });

  it('records the system stream: starts and stops as system_event, diagnostics as log_message, malformed events not at all', () => {
    const systemEvent = (position: bigint, type: string, data: unknown, streamId = 'system'): RecordedEvent => ({
      id: `00000000-0000-4000-9000-${position.toString().padStart(12, '0')}`,
      streamId,
      revision: position,
      position,
      type,
      data,
      metadata: { actor: 'fishtest.system', correlationId: 'c', serverTime: '2026-11-01T00:00:00.000Z' },
    });
    const docs = docsOf(
      projectInMemory([actionsProjection], [
        systemEvent(1n, 'ServerStarted', { instance: '6543' }),
        systemEvent(2n, 'DiagnosticLogged', { message: 'm'.repeat(6000) }),
        systemEvent(3n, 'ServerStopped', { instance: '6543' }),
        systemEvent(4n, 'ServerStarted', { port: 1 }),
        systemEvent(5n, 'ServerStarted', { instance: '1' }, 'run-x'),
      ]),
      ACTIONS,
    ) as ActionDocument[];
    expect(docs.map((entry) => [entry.action, entry.username, entry.message?.slice(0, 20)])).toEqual([
      ['system_event', 'fishtest.system', 'start fishtest@6543'],
      ['log_message', 'fishtest.system', 'm'.repeat(20)],
      ['system_event', 'fishtest.system', 'stop fishtest@6543'],
    ]);
    expect(docs[1]?.message).toHaveLength(ACTION_MESSAGE_SIZE);
  });

  it('keeps one small document per active task, so an assignment costs the same however many tasks are active', () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    const largestAfter = (workers: number): number => {
      for (let n = 0; n < workers; n += 1) driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(100 + n) } }, T0);
      const read = projectInMemory([actionsProjection], recordAll(driver.events));
      expect(docsOf(read, ACTION_TASKS)).toHaveLength(driver.run.activeTaskIds.length);
      const bookkeeping = [...docsOf(read, ACTION_RUNS), ...docsOf(read, ACTION_TASKS)];
      return Math.max(...bookkeeping.map((doc) => JSON.stringify({ ...doc, _position: 0 }).length));
    };
    const few = largestAfter(2);
    expect(largestAfter(300)).toBeLessThanOrEqual(few + 8);
  });

  it("forgets a task's worker when the task stops, and every task's at a run-wide stop", () => {
    const driver = runDriver(RUN_SPRT, sprtArgs(), T0);
    driver.exec({ type: 'ApproveRun', data: { runId: RUN_SPRT, by: 'approver1', isApprover: true } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: alice(1) } }, T0);
    driver.exec({ type: 'AssignTask', data: { runId: RUN_SPRT, workerInfo: bob(2) } }, T0);
    driver.exec({ type: 'FailTask', data: { runId: RUN_SPRT, taskId: 0, message: 'gone' } }, T0 + MINUTE);
    const beforeStop = projectInMemory([actionsProjection], recordAll(driver.events));
    expect(docsOf(beforeStop, ACTION_TASKS).map((doc) => doc._id)).toEqual([`${RUN_SPRT}-1`]);

    driver.exec({ type: 'StopRun', data: { runId: RUN_SPRT, by: 'owner', isApprover: true } }, T0 + 2 * MINUTE);
    // Task 1 was active when the run stopped: an end of it the log would show later names nobody.
    const late = { type: 'TaskDead' as const, data: { runId: RUN_SPRT, at: toIso(T0 + 3 * MINUTE), taskId: 1 } };
    const read = projectInMemory([actionsProjection], recordAll([...driver.events, late]));
    expect(docOf(read, ACTION_RUNS, RUN_SPRT)).toMatchObject({ generation: 1 });
    const dead = (docsOf(read, ACTIONS) as ActionDocument[]).filter((entry) => entry.action === 'dead_task');
    expect(dead).toEqual([expect.objectContaining({ task_id: 1, worker: '?', username: '?' })]);
    expect(docsOf(read, ACTION_TASKS)).toEqual([]);
  });
});
