import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { createSqliteReadStore } from '../../../src/stores/documents/sqlite/index.js';
import type { SnapshotDoc } from '../../../src/commands/aggregateStore.js';
import type { EventContext, EventStore } from '../../../src/stores/events/port.js';
import { ANY } from '../../../src/stores/events/port.js';
import { createRunService, newRunId, updateTaskEventIds, type RunService, type RunServiceOptions } from '../../../src/commands/runs/index.js';
import { runEvent, runStreamName, type RunEvent } from '../../../src/domain/runs/events.js';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import type { Run } from '../../../src/domain/runs/state.js';
import { toIso } from '../../../src/domain/shared/time.js';
import { tcBase } from '../../../src/domain/shared/time-control.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import { fixedGamesArgs } from '../../support/runArgs.js';
import { submission, submissionFacts } from '../../support/runSubmission.js';
import { makeTempDir } from '../../support/tempDir.js';
import { resultsOf, storedWorkerInfo } from '../../support/workers.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const SECOND = 1000;
const context: EventContext = { actor: 'test', correlationId: 'test' };

describe('run service', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;
  let now: number;
  const services: RunService[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    now = T0;
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    await eventStore.close();
    temp.remove();
  });

  const service = (options: Partial<RunServiceOptions> = {}): RunService => {
    const created = createRunService({ eventStore, clock: () => now, random: () => 0.25, ...options });
    services.push(created);
    return created;
  };

  const append = async (runId: string, events: (at: string) => RunEvent[]): Promise<bigint> => {
    const result = await eventStore.append(
      runStreamName(runId),
      events(toIso(now)).map((event) => ({ type: event.type, data: event.data, metadata: context })),
      ANY,
    );
    return result.position;
  };

  const seedRun = async (args: RunArgs = fixedGamesArgs({ num_games: 2000 }), approved = true): Promise<string> => {
    const runId = newRunId(now);
    await append(runId, (at) => [
      runEvent('RunCreated', { runId, at, args, tcBase: tcBase(args.tc) }),
      ...(approved ? [runEvent('RunApproved', { runId, at, approver: 'approver' })] : []),
    ]);
    return runId;
  };

  const seedTask = (runId: string, taskId: number, worker: WorkerInfo, numGames = 200) =>
    append(runId, (at) => [runEvent('TaskAssigned', { runId, at, taskId, numGames, start: 0, workerInfo: worker })]);

  const runOf = async (runs: RunService, runId: string): Promise<Run> => {
    const state = await runs.getRun(runId);
    if (state.kind !== 'run') throw new Error('no run');
    return state;
  };

  const stored = async (runId: string) => eventStore.readStream(runStreamName(runId));

  const ref = (runId: string, taskId: number, worker: WorkerInfo = storedWorkerInfo(1)) => ({ runId, taskId, worker });

  describe('run commands of the UI', () => {
    it('creates, approves, modifies and stops a run; the scheduler follows each step', async () => {
      const runs = service();
      await runs.start();
      const owner = { actor: 'RunOwner', correlationId: 'ui' };
      const created = await runs.createRun({ submission: submission({ stopRule: 'numgames', numGames: '4000' }), facts: submissionFacts }, owner);
      if (created.kind !== 'accepted') throw new Error(created.message);
      const runId = created.reply;
      expect(runId).toMatch(/^[0-9a-f]{24}$/);
      expect(created.position).not.toBeNull();
      const worker = storedWorkerInfo(1);
      const request = () => runs.requestTask({ worker, hostUrl: 'http://localhost', context });
      expect(await request()).toEqual({ task_waiting: false });

      expect(await runs.approveRun(runId, { by: 'RunOwner', isApprover: true }, owner)).toMatchObject({
        kind: 'rejection',
        message: `Run ${runId}: Self approval is disabled!`,
      });
      expect(await runs.approveRun(runId, { by: 'approver', isApprover: true }, owner)).toMatchObject({ kind: 'accepted' });
      expect(await request()).toMatchObject({ run: { _id: runId }, task_id: 0 });

      const modified = await runs.modifyRun(runId, { by: 'RunOwner', isApprover: false, numGames: '4000', priority: '0', throughput: '50', autoPurge: false }, owner);
      expect(modified.kind === 'accepted' && modified.reply.kind === 'run' ? modified.reply.args.throughput : -1).toBe(50);

      expect(await runs.stopRun(runId, { by: 'someone', isApprover: false }, owner)).toMatchObject({ kind: 'rejection' });
      expect(await runs.stopRun(runId, { by: 'RunOwner', isApprover: false }, owner)).toMatchObject({ kind: 'accepted' });
      expect(runs.unfinishedRuns()).toEqual([]);
      expect(await runs.beat(ref(runId, 0))).toEqual({ task_alive: false });
    });

    it('refuses an invalid submission with upstream\'s message', async () => {
      const runs = service();
      const outcome = await runs.createRun({ submission: submission({ stopRule: 'numgames', numGames: '1500' }), facts: submissionFacts }, context);
      expect(outcome).toMatchObject({ kind: 'rejection', code: 'invalid-submission', message: 'Number of games must be a multiple of 1000' });
    });
  });

  describe('update_task', () => {
    it('adds the difference of cumulative stats, and a repeat of the same stats adds nothing', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      const runs = service();
      const first = resultsOf([0, 1, 2, 1, 0]);
      expect(await runs.updateTask({ ...ref(runId, 0), stats: first }, context)).toEqual({ task_alive: true });
      const second = resultsOf([0, 2, 4, 1, 1]);
      expect(await runs.updateTask({ ...ref(runId, 0), stats: second }, context)).toEqual({ task_alive: true });
      expect(await runs.updateTask({ ...ref(runId, 0), stats: second }, context)).toEqual({ task_alive: true });
      const run = await runOf(runs, runId);
      expect(run.results).toEqual(second);
      expect((await stored(runId)).filter((event) => event.type === 'TaskResultsReported')).toHaveLength(2);
    });

    it('does not count the games of a retry decided on a stale state twice', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      const primary = service();
      const stale = service();
      await stale.getRun(runId); // cached before the update below
      const stats = resultsOf([0, 1, 2, 1, 0]);
      expect(await primary.updateTask({ ...ref(runId, 0), stats }, context)).toEqual({ task_alive: true });
      // The same request reaches a process whose cache has not seen the first attempt.
      expect(await stale.updateTask({ ...ref(runId, 0), stats }, context)).toEqual({ task_alive: true });
      const reports = (await stored(runId)).filter((event) => event.type === 'TaskResultsReported');
      expect(reports).toHaveLength(1);
      expect((await runOf(stale, runId)).results).toEqual(stats);
    });

    it('decides again, on fresh state, a group whose append held an event id already stored', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      await seedTask(runId, 1, storedWorkerInfo(2));
      const primary = service();
      const stale = service();
      await stale.getRun(runId);
      const retried = resultsOf([0, 1, 2, 1, 0]);
      await primary.updateTask({ ...ref(runId, 0), stats: retried }, context);
      const fresh = resultsOf([1, 1, 1, 1, 0]);
      // Both arrive in the same turn, so the stale process appends them together.
      const replies = await Promise.all([
        stale.updateTask({ ...ref(runId, 0), stats: retried }, context),
        stale.updateTask({ ...ref(runId, 1, storedWorkerInfo(2)), stats: fresh }, context),
      ]);
      expect(replies).toEqual([{ task_alive: true }, { task_alive: true }]);
      const run = await runOf(service(), runId);
      expect(run.tasks.get(0)?.stats).toEqual(retried);
      expect(run.tasks.get(1)?.stats).toEqual(fresh);
      expect((await stored(runId)).filter((event) => event.type === 'TaskResultsReported')).toHaveLength(2);
    });

    it('gives the events of an update ids derived from the run, the task and the cumulative results', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      const runs = service();
      const stats = resultsOf([0, 1, 2, 1, 0]);
      await runs.updateTask({ ...ref(runId, 0), stats }, context);
      const report = (await stored(runId)).find((event) => event.type === 'TaskResultsReported');
      expect(report?.id).toBe(updateTaskEventIds(runId, 0, stats, 1)[0]);
      expect(updateTaskEventIds(runId, 0, stats, 2)).toEqual(updateTaskEventIds(runId, 0, stats, 2));
      expect(updateTaskEventIds(runId, 0, resultsOf([0, 1, 2, 0, 1]), 1)).not.toEqual(updateTaskEventIds(runId, 0, stats, 1));
      expect(updateTaskEventIds(runId, 1, stats, 1)).not.toEqual(updateTaskEventIds(runId, 0, stats, 1));
      expect(report?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('decides again on fresh state when another writer moved the run meanwhile', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      const primary = service();
      const stale = service();
      await stale.getRun(runId);
      await primary.updateTask({ ...ref(runId, 0), stats: resultsOf([0, 1, 2, 1, 0]) }, context);
      const later = resultsOf([1, 2, 4, 1, 0]);
      expect(await stale.updateTask({ ...ref(runId, 0), stats: later }, context)).toEqual({ task_alive: true });
      expect((await runOf(stale, runId)).results).toEqual(later);
      expect((await runOf(service(), runId)).results).toEqual(later);
    });

    it('answers with upstream errors and stops the task on an odd number of games', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1));
      const runs = service();
      // The task had 4 games and now claims 7: not whole game pairs (the HTTP schema checks the rest).
      await runs.updateTask({ ...ref(runId, 0), stats: resultsOf([0, 1, 1, 0, 0]) }, context);
      const odd = { wins: 3, losses: 1, draws: 3, crashes: 0, time_losses: 0, pentanomial: [0, 1, 1, 0, 1] as const };
      const reply = await runs.updateTask({ ...ref(runId, 0), stats: odd }, context);
      expect(reply).toEqual({ task_alive: false, error: expect.stringContaining('odd number of games received for task') });
      expect((await runOf(runs, runId)).tasks.get(0)?.active).toBe(false);
    });
  });

  describe('scheduler', () => {
    it('sees runs written by another process, and their approval', async () => {
      const runs = service();
      await runs.start();
      const runId = await seedRun(fixedGamesArgs({ num_games: 2000 }), false);
      const worker = storedWorkerInfo(1);
      const request = () => runs.requestTask({ worker, hostUrl: 'http://localhost', context });
      expect(await runs.caughtUp(await eventStore.headPosition())).toBe(true);
      expect(await request()).toEqual({ task_waiting: false });
      const approvedAt = await append(runId, (at) => [runEvent('RunApproved', { runId, at, approver: 'approver' })]);
      expect(await runs.caughtUp(approvedAt)).toBe(true);
      expect(await request()).toMatchObject({ run: { _id: runId }, task_id: 0 });
    });

    it('loads the unfinished runs and blocked workers at start', async () => {
      const open = await seedRun();
      const done = await seedRun();
      await append(done, (at) => [runEvent('RunFinished', { runId: done, at, reason: 'games-reached', flags: { isGreen: false, isYellow: false } })]);
      await eventStore.append(
        'worker-worker-4cores-m0000002',
        [{ type: 'WorkerBlocked', data: { message: 'bad machine' }, metadata: context }],
        ANY,
      );
      const runs = service();
      await runs.start();
      expect(runs.unfinishedRuns().map((run) => run.runId)).toEqual([open]);
      const blocked = await runs.requestTask({ worker: storedWorkerInfo(2), hostUrl: 'http://localhost', context });
      expect(blocked).toMatchObject({ task_waiting: false, error: expect.stringContaining('bad machine') });
    });

    it('restarts from its checkpoint, reading only the log written after it', async () => {
      const readStore = createSqliteReadStore({ path: path.join(temp.dir, 'read.sqlite') });
      try {
        const snapshots = readStore.collection<SnapshotDoc>('run_snapshots', { indexes: [] });
        const first = await seedRun();
        const finished = await seedRun();
        await append(finished, (at) => [runEvent('RunFinished', { runId: finished, at, reason: 'games-reached', flags: { isGreen: false, isYellow: false } })]);
        const before = service({ snapshots });
        await before.start();
        await before.stop();
        const second = await seedRun();

        let eventsRead = 0;
        const readAll = eventStore.readAll.bind(eventStore);
        eventStore.readAll = async (readOptions) => {
          const page = await readAll(readOptions);
          eventsRead += page.length;
          return page;
        };
        const after = service({ snapshots });
        await after.start();
        expect(eventsRead).toBe(2); // the second run's RunCreated and RunApproved
        expect(after.unfinishedRuns().map((run) => run.runId).sort()).toEqual([first, second].sort());
      } finally {
        await readStore.close();
      }
    });

    it('fails the previous active task of the same worker name ("Stale active task")', async () => {
      const runId = await seedRun(fixedGamesArgs({ num_games: 4000 }));
      const runs = service();
      await runs.start();
      const worker = storedWorkerInfo(1);
      const first = await runs.requestTask({ worker, hostUrl: 'http://localhost', context });
      const second = await runs.requestTask({ worker, hostUrl: 'http://localhost', context });
      expect(first).toMatchObject({ task_id: 0 });
      expect(second).toMatchObject({ task_id: 1 });
      await runs.stop();
      const failed = (await stored(runId)).find((event) => event.type === 'TaskFailed');
      expect(failed?.data).toMatchObject({ taskId: 0, message: 'Stale active task' });
    });

    it('answers "too busy" when more request_task calls are in flight than allowed', async () => {
      await seedRun();
      let release: (limit: number) => void = () => undefined;
      const held = new Promise<number>((resolve) => (release = resolve));
      let calls = 0;
      const runs = service({ requestTaskConcurrency: 1, machineLimitOf: () => (++calls === 1 ? held : 16) });
      await runs.start();
      const first = runs.requestTask({ worker: storedWorkerInfo(1), hostUrl: 'http://localhost', context });
      const busy = await runs.requestTask({ worker: storedWorkerInfo(2), hostUrl: 'http://localhost', context });
      expect(busy).toEqual({ task_waiting: false, info: 'Request_task: the server is currently too busy...' });
      release(16);
      expect(await first).toMatchObject({ task_id: 0 });
      expect(await runs.requestTask({ worker: storedWorkerInfo(2), hostUrl: 'http://localhost', context })).toMatchObject({ task_id: 1 });
    });

    it('refuses a second live worker under the same name (another unique key within 120 s)', async () => {
      await seedRun(fixedGamesArgs({ num_games: 10_000 }));
      const runs = service();
      await runs.start();
      const worker = storedWorkerInfo(1);
      expect(await runs.requestTask({ worker, hostUrl: 'http://localhost', context })).toHaveProperty('task_id', 0);
      // Same user, cores and unique-key prefix (so the same short name), another machine.
      const twin = { ...worker, unique_key: worker.unique_key.replace(/[0-9a-f]{12}$/, 'ffffffffffff') };
      now = T0 + 30 * SECOND;
      const refused = await runs.requestTask({ worker: twin, hostUrl: 'http://localhost', context });
      expect(refused).toEqual({
        task_waiting: false,
        error:
          'Request_task: There is already a worker running with name "worker-4cores-m0000001-2869" which 30 seconds ago sent an update for task ' +
          `${runs.unfinishedRuns()[0]?.runId ?? ''}/0 (my name is "worker-4cores-m0000001-2869")`,
      });
      now = T0 + 121 * SECOND;
      expect(await runs.requestTask({ worker: twin, hostUrl: 'http://localhost', context })).toHaveProperty('task_id', 1);
    });

    it('refuses a worker whose IP reached its machine limit', async () => {
      await seedRun(fixedGamesArgs({ num_games: 10_000 }));
      const runs = service({ machineLimitOf: () => 2 });
      await runs.start();
      const fromOneIp = (n: number) => storedWorkerInfo(n, { remote_addr: '203.0.113.7' });
      for (const n of [1, 2]) {
        expect(await runs.requestTask({ worker: fromOneIp(n), hostUrl: 'http://localhost', context })).toHaveProperty('task_id');
      }
      expect(await runs.requestTask({ worker: fromOneIp(3), hostUrl: 'http://localhost', context })).toEqual({
        task_waiting: false,
        error: 'Request_task: Machine limit reached for user worker',
      });
    });
  });

  describe('periodic jobs', () => {
    it('declares dead the tasks silent for more than 360 s; beats keep a task alive', async () => {
      const runId = await seedRun();
      const runs = service();
      await runs.start();
      await runs.requestTask({ worker: storedWorkerInfo(1), hostUrl: 'http://localhost', context });
      await runs.requestTask({ worker: storedWorkerInfo(2), hostUrl: 'http://localhost', context });
      now = T0 + 300 * SECOND;
      expect(await runs.jobs.scavenge()).toBe(0);
      expect(await runs.beat(ref(runId, 1, storedWorkerInfo(2)))).toEqual({ task_alive: true });
      now = T0 + 361 * SECOND;
      expect(await runs.jobs.scavenge()).toBe(1);
      expect(await runs.beat(ref(runId, 0))).toEqual({ task_alive: false });
      now = T0 + 661 * SECOND;
      expect(await runs.jobs.scavenge()).toBe(1);
      const dead = (await stored(runId)).filter((event) => event.type === 'TaskDead').map((event) => (event.data as { taskId: number }).taskId);
      expect(dead).toEqual([0, 1]);
      expect((await runOf(runs, runId)).workers).toBe(0);
    });

    it('gives every active task a fresh grace period after a restart', async () => {
      const runId = await seedRun();
      await seedTask(runId, 0, storedWorkerInfo(1)); // assigned at T0
      now = T0 + 3_600 * SECOND; // the process starts an hour later: no beat survived
      const runs = service();
      await runs.start();
      expect(await runs.jobs.scavenge()).toBe(0);
      now += 361 * SECOND;
      expect(await runs.jobs.scavenge()).toBe(1);
    });

    it('computes nps and games per minute of the active tasks', async () => {
      const runId = await seedRun(fixedGamesArgs({ num_games: 2000, tc: '10+0.1' }));
      const runs = service();
      await runs.start();
      const worker = storedWorkerInfo(1);
      await runs.requestTask({ worker, hostUrl: 'http://localhost', context });
      await runs.updateTask({ ...ref(runId, 0), worker: { ...worker, nps: 628_000 }, stats: resultsOf([0, 1, 2, 1, 0]) }, context);
      runs.jobs.refreshSpeeds();
      const speed = runs.speedOf(runId);
      expect(speed?.nps).toBe(4 * 628_000);
      // 4 games at a time, each about 30.9 s at the reference speed.
      expect(speed?.gamesPerMinute).toBeCloseTo(4 * (60 / 30.912), 3);
    });
  });
});
