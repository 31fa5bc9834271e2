import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import type { EventContext, EventStore } from '../../../src/stores/events/port.js';
import { ANY } from '../../../src/stores/events/port.js';
import { createActiveRuns, type ActiveRuns } from '../../../src/commands/runs/activeRuns.js';
import { createAdmissionGate } from '../../../src/commands/runs/admissionGate.js';
import { createLiveness } from '../../../src/commands/runs/liveness.js';
import { createRunCache, type RunCache } from '../../../src/commands/runs/runCache.js';
import { createScheduler } from '../../../src/commands/runs/scheduler.js';
import { createBlockedWorkers } from '../../../src/commands/runs/workerStreams.js';
import { newRunId } from '../../../src/commands/runs/runIds.js';
import { runEvent, runStreamName, type RunEvent } from '../../../src/domain/runs/events.js';
import type { Run } from '../../../src/domain/runs/state.js';
import { toIso } from '../../../src/domain/shared/time.js';
import { tcBase } from '../../../src/domain/shared/time-control.js';
import { fixedGamesArgs } from '../../support/runArgs.js';
import { pollUntil } from '../../support/fileWatch.js';
import { holdAppends } from '../../support/heldAppends.js';
import { makeTempDir } from '../../support/tempDir.js';
import { storedWorkerInfo } from '../../support/workers.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const context: EventContext = { actor: 'test', correlationId: 'test' };

/** A scheduler over a fixed clock, 16 machines per user and no book SRIs. */
const schedulerOver = (cache: RunCache, activeRuns: ActiveRuns) =>
  createScheduler({
    cache,
    activeRuns,
    liveness: createLiveness(T0),
    blockedWorkers: createBlockedWorkers(),
    clock: () => T0,
    concurrency: 8,
    machineLimitOf: () => 16,
    bookSriOf: () => undefined,
    itpOf: (run: Run) => run.args.itp,
  });

describe('scheduler pieces', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let eventStore: EventStore;

  beforeEach(() => {
    temp = makeTempDir();
    eventStore = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await eventStore.close();
    temp.remove();
  });

  const append = (runId: string, events: RunEvent[]) =>
    eventStore.append(
      runStreamName(runId),
      events.map((event) => ({ type: event.type, data: event.data, metadata: context })),
      ANY,
    );

  it('answers "alas" when the chosen run filled up between the choice and the assignment', async () => {
    const at = toIso(T0);
    const runId = newRunId(T0);
    const args = fixedGamesArgs({ num_games: 1000 });
    await append(runId, [
      runEvent('RunCreated', { runId, at, args, tcBase: tcBase(args.tc) }),
      runEvent('RunApproved', { runId, at, approver: 'approver' }),
    ]);
    const cache = createRunCache({ eventStore });
    const activeRuns = createActiveRuns();
    activeRuns.apply(runId, await cache.load(runId));
    // Another writer hands out every game; this process has not heard of it yet.
    await append(runId, [runEvent('TaskAssigned', { runId, at, taskId: 0, numGames: 1000, start: 0, workerInfo: storedWorkerInfo(9) })]);
    const scheduler = schedulerOver(cache, activeRuns);
    const reply = await scheduler.requestTask({ worker: storedWorkerInfo(1), hostUrl: 'http://localhost', context });
    expect(reply).toEqual({
      task_waiting: false,
      info: `Request_task: alas the run ${runId} corresponding to the assigned task no longer needs games. Please try again...`,
    });
    const state = await cache.load(runId);
    expect(state.kind === 'run' ? state.tasks.length : -1).toBe(1);
  });

  it('admission gate: refuses beyond its limit at once and admits again once a caller left', () => {
    const gate = createAdmissionGate(2);
    const first = gate.tryEnter();
    const second = gate.tryEnter();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(gate.tryEnter()).toBeUndefined();
    first?.();
    first?.();
    expect(gate.inside()).toBe(1);
    expect(gate.tryEnter()).toBeDefined();
  });

  it('keeps the fleet maps (active task per worker name, tasks per IP, run history) from state changes', async () => {
    const at = toIso(T0);
    const runId = newRunId(T0);
    const args = fixedGamesArgs({ num_games: 10_000 });
    const worker = storedWorkerInfo(1, { remote_addr: '203.0.113.5' });
    const events: RunEvent[] = [
      runEvent('RunCreated', { runId, at, args, tcBase: tcBase(args.tc) }),
      runEvent('RunApproved', { runId, at, approver: 'approver' }),
      runEvent('TaskAssigned', { runId, at, taskId: 0, numGames: 100, start: 0, workerInfo: worker }),
      runEvent('TaskAssigned', { runId, at, taskId: 1, numGames: 100, start: 100, workerInfo: storedWorkerInfo(2, { remote_addr: '203.0.113.5' }) }),
    ];
    await append(runId, events);
    const cache = createRunCache({ eventStore });
    const stopped: string[] = [];
    const activeRuns = createActiveRuns({ onTaskStopped: (run, task) => stopped.push(`${run}/${task}`) });
    cache.onChange((id, state) => activeRuns.apply(id, state));
    await cache.load(runId);
    const fleet = () => activeRuns.fleet(() => undefined);
    expect(fleet().connectionsFrom('203.0.113.5')).toBe(2);
    expect(fleet().activeTaskOf('worker-4cores-m0000001')).toMatchObject({ runId, taskId: 0, uniqueKey: worker.unique_key });
    expect(fleet().historyOf('worker-4cores-m0000001')?.lastRun).toBe(runId);

    // An update leaves the active set as it was: the maps stay, the run's state is the new one.
    const stats = { wins: 1, losses: 1, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 1, 0, 0] as [number, number, number, number, number] };
    await append(runId, [runEvent('TaskResultsReported', { runId, at: toIso(T0 + 60_000), taskId: 1, stats, delta: stats })]);
    await cache.catchUp(runId, 4n);
    expect(activeRuns.get(runId)?.tasks.get(1)?.lastUpdated).toBe(T0 + 60_000);
    expect(fleet().connectionsFrom('203.0.113.5')).toBe(2);
    expect(fleet().activeTaskOf('worker-4cores-m0000002')).toMatchObject({ runId, taskId: 1, lastSeen: T0 + 60_000 });
    expect(stopped).toEqual([]);

    await append(runId, [runEvent('TaskFailed', { runId, at, taskId: 0, message: 'gone' })]);
    await cache.catchUp(runId, 5n);
    expect(fleet().connectionsFrom('203.0.113.5')).toBe(1);
    expect(fleet().activeTaskOf('worker-4cores-m0000001')).toBeUndefined();
    expect(stopped).toEqual([`${runId}/0`]);

    await append(runId, [runEvent('RunFinished', { runId, at, reason: 'games-reached', flags: { isGreen: false, isYellow: false } })]);
    await cache.catchUp(runId, 6n);
    expect(activeRuns.size()).toBe(0);
    expect(fleet().connectionsFrom('203.0.113.5')).toBe(0);
    activeRuns.pruneHistories();
    expect(fleet().historyOf('worker-4cores-m0000001')).toBeUndefined();
  });

  describe('the global section and the durable append', () => {
    const openRuns = async (count: number) => {
      const at = toIso(T0);
      const runIds = Array.from({ length: count }, (_, n) => newRunId(T0 + n));
      for (const runId of runIds) {
        const args = fixedGamesArgs({ num_games: 100_000 });
        await append(runId, [
          runEvent('RunCreated', { runId, at, args, tcBase: tcBase(args.tc) }),
          runEvent('RunApproved', { runId, at, approver: 'approver' }),
        ]);
      }
      const held = holdAppends(eventStore, (stream) => stream.startsWith('run-'));
      const cache = createRunCache({ eventStore });
      const activeRuns = createActiveRuns();
      cache.onChange((id, state) => activeRuns.apply(id, state));
      for (const runId of runIds) await cache.load(runId);
      const scheduler = schedulerOver(cache, activeRuns);
      const request = (n: number) => scheduler.requestTask({ worker: storedWorkerInfo(n), hostUrl: 'http://localhost', context });
      return { runIds, held, cache, activeRuns, request };
    };

    it('decides the next request while the previous assignment is still being written, on an index that already counts it', async () => {
      const { runIds, held, activeRuns, request } = await openRuns(2);
      const first = request(1);
      await pollUntil(() => held.length === 1);
      const second = request(2);
      // Before the first append is durable, the second request was decided too, and went to the
      // other run because the index already counted the first task.
      await pollUntil(() => held.length === 2);
      expect(held.map((append) => append.stream).sort()).toEqual(runIds.map((runId) => runStreamName(runId)).sort());
      expect(activeRuns.fleet(() => undefined).activeTaskOf('worker-4cores-m0000001')).toBeDefined();
      for (const append of held) append.release();
      const replies = await Promise.all([first, second]);
      expect(replies.map((reply) => ('run' in reply ? reply.run._id : undefined)).sort()).toEqual([...runIds].sort());
    });

    it('decides a second assignment to the same run while the first is being written', async () => {
      const { runIds, held, activeRuns, request } = await openRuns(1);
      const [runId] = runIds;
      const first = request(1);
      await pollUntil(() => held.length === 1);
      const second = request(2);
      await pollUntil(() => activeRuns.get(runId ?? '')?.tasks.length === 2);
      expect(activeRuns.get(runId ?? '')?.tasks.length).toBe(2);
      expect(held).toHaveLength(1);
      held[0]?.release();
      await pollUntil(() => held.length === 2);
      held[1]?.release();
      const replies = await Promise.all([first, second]);
      expect(replies.map((reply) => ('task_id' in reply ? reply.task_id : undefined))).toEqual([0, 1]);
    });

    it('takes a decided assignment back from the index when its append fails', async () => {
      const { runIds, held, cache, activeRuns, request } = await openRuns(2);
      const first = request(1);
      await pollUntil(() => held.length === 1);
      const fleet = () => activeRuns.fleet(() => undefined);
      expect(fleet().activeTaskOf('worker-4cores-m0000001')).toBeDefined();
      held[0]?.release(new Error('disk full'));
      await expect(first).rejects.toThrow('disk full');
      await pollUntil(() => fleet().activeTaskOf('worker-4cores-m0000001') === undefined);
      expect(fleet().activeTaskOf('worker-4cores-m0000001')).toBeUndefined();
      for (const runId of runIds) {
        expect(activeRuns.get(runId)?.tasks.length).toBe(0);
        const state = await cache.load(runId);
        expect(state.kind === 'run' ? state.tasks.length : -1).toBe(0);
      }
      // The same worker asks again and is given a task once the store accepts it.
      const again = request(1);
      await pollUntil(() => held.length === 2);
      held[1]?.release();
      const reply = await again;
      expect(reply).toMatchObject({ task_id: 0 });
    });
  });
});
