import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { projections } from '../../src/projections/catalog.js';
import { checkpointIdOf } from '../../src/projections/projection.js';
import type { ProjectionEngine, ProjectionStatus } from '../../src/projections/engine.js';
import { createReadModels } from '../../src/projections/readModels.js';
import type { StreamSummary } from '../../src/projections/streams/streamsProjection.js';
import { STREAMS, streamsProjection } from '../../src/projections/streams/streamsProjection.js';
import { createThreadedProjectionEngine } from '../../src/projections/thread/threadedEngine.js';
import type { ThreadedEngineOptions } from '../../src/projections/thread/threadedEngine.js';
import type { ReadStore } from '../../src/stores/documents/port.js';
import { createSqliteReadStore } from '../../src/stores/documents/sqlite/index.js';
import type { SqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { manualSync, testEvent } from '../support/sqliteEventStores.js';
import { makeTempDir } from '../support/tempDir.js';

/** The engine's statuses once they satisfy `done`, polled for up to 10 s. */
const eventually = async (
  engine: ProjectionEngine,
  done: (statuses: ProjectionStatus[]) => boolean,
): Promise<ProjectionStatus[]> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const statuses = await engine.statuses();
    if (done(statuses) || Date.now() > deadline) return statuses;
    await sleep(20);
  }
};

/** The nice value of a thread, from `/proc/<pid>/task/<tid>/stat` (the 19th field). */
const niceOf = (taskPath: string): number => {
  const stat = readFileSync(`/proc/${taskPath}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

const threadsWithNice = (nice: number): string[] =>
  readdirSync(`/proc/${process.pid}/task`).filter((tid) => {
    try {
      return niceOf(`${process.pid}/task/${tid}`) === nice;
    } catch {
      return false; // the thread ended meanwhile
    }
  });

describe('projections on a worker thread', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setup = (overrides: Partial<ThreadedEngineOptions> = {}) => {
    const temp = makeTempDir('fishtest-es-thread-');
    cleanups.push(() => temp.remove());
    const control = manualSync();
    const eventsPath = path.join(temp.dir, 'events.sqlite');
    const readPath = path.join(temp.dir, 'read.sqlite');
    const eventStore: SqliteEventStore = createSqliteEventStore({ path: eventsPath, openWalSync: () => control.sync });
    const readStore: ReadStore = createSqliteReadStore({ path: readPath });
    cleanups.push(async () => {
      control.release();
      await eventStore.close();
      await readStore.close();
    });
    const engine: ProjectionEngine = createThreadedProjectionEngine({
      eventStore,
      readStore,
      projections,
      logger: silentLogger,
      eventStoreUrl: `sqlite:${eventsPath}`,
      readStoreUrl: `sqlite:${readPath}`,
      sqliteSynchronous: 'FULL',
      batchDelayMs: 0,
      logLevel: 'silent',
      ...overrides,
    });
    cleanups.push(() => engine.stop());
    const append = async (type: string): Promise<bigint> => {
      const pending = eventStore.append('note-1', [testEvent(type)], 'any');
      await sleep(2);
      control.release();
      return (await pending).position;
    };
    const summary = (): Promise<StreamSummary | null> =>
      createReadModels(readStore, projections).collection<StreamSummary>(STREAMS).get('note-1');
    return { engine, eventStore, readStore, control, append, summary };
  };

  it('applies what this process appends and reports the thread’s runners', async () => {
    const { engine, append, summary } = setup();
    await append('First');
    await engine.start();
    await append('Second');
    const last = await append('Third');
    expect(await engine.waitFor(last, 20_000)).toBe(true);
    expect(await summary()).toMatchObject({ events: 3, lastEventType: 'Third' });
    const statuses = await engine.statuses();
    expect(statuses.map((s) => s.name)).toEqual(projections.map((p) => p.name));
    for (const status of statuses) expect(status).toMatchObject({ state: 'running', lag: '0', checkpoint: String(last) });
  }, 30_000);

  it('applies at once what a reader waits for, however long the batch delay', async () => {
    // A minute of delay: without the hurry message to the thread the wait below would time out.
    const { engine, append, summary } = setup({ batchDelayMs: 60_000 });
    await engine.start();
    const first = await append('First');
    expect(await engine.waitFor(first, 20_000)).toBe(true);
    const second = await append('Second');
    expect(await engine.waitFor(second, 20_000)).toBe(true);
    expect(await summary()).toMatchObject({ events: 2, lastEventType: 'Second' });
  }, 30_000);

  it('never applies an event whose WAL sync has not finished', async () => {
    const { engine, eventStore, readStore, control, append, summary } = setup();
    const first = await append('First');
    await engine.start();
    expect(await engine.waitFor(first, 20_000)).toBe(true);

    const pending = eventStore.append('note-1', [testEvent('NotYetDurable')], 'any');
    // Committed, but not acknowledged: the thread must leave it alone however long the sync takes.
    await sleep(300);
    expect(await readStore.getCheckpoint(checkpointIdOf(streamsProjection))).toBe(first);
    expect(await summary()).toMatchObject({ events: 1 });
    control.release();
    const { position } = await pending;
    expect(await engine.waitFor(position, 20_000)).toBe(true);
    expect(await summary()).toMatchObject({ events: 2, lastEventType: 'NotYetDurable' });
  }, 30_000);

  it('starts a thread that died again, and reports it failed meanwhile', async () => {
    const { engine } = setup({
      threadEntry: new URL('../fixtures/projectionThread/diesOnce.mjs', import.meta.url).href,
      restartDelayMs: 1_000,
    });
    await engine.start();
    expect((await engine.statuses()).map((s) => s.name)).toEqual(['fixture']);
    const whileDown = await eventually(engine, (statuses) => statuses[0]?.state === 'failed');
    expect(whileDown.length).toBe(projections.length);
    for (const status of whileDown) {
      expect(status).toMatchObject({ state: 'failed', error: 'projection thread exited with code 3' });
    }
    const afterRestart = await eventually(engine, (statuses) => statuses[0]?.name === 'fixture');
    expect(afterRestart).toMatchObject([{ name: 'fixture', state: 'running' }]);
  }, 30_000);

  it.runIf(process.platform === 'linux')('lowers the priority of its own thread only', async () => {
    const nice = 7;
    const { engine } = setup({ threadNice: nice });
    await engine.start();
    // The thread and the threads it starts (its read store's checkpointer), which inherit its value.
    expect(threadsWithNice(nice).length).toBeGreaterThan(0);
    expect(niceOf(readlinkSync('/proc/thread-self'))).toBe(0);
    await engine.stop();
    expect(threadsWithNice(nice)).toHaveLength(0);
  });

  it('fails start when the thread cannot start', async () => {
    const { engine } = setup({ threadEntry: new URL('../fixtures/projectionThread/failsToStart.mjs', import.meta.url).href });
    await expect(engine.start()).rejects.toThrow('cannot open the read store');
  });
});
