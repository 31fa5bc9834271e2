import { expect, it } from 'vitest';
import { createProjectionEngine } from '../../../../src/projections/engine.js';
import { physicalCollectionName } from '../../../../src/projections/projection.js';
import { readModelProjections } from '../../../../src/projections/readModelsCatalog.js';
import { silentLogger } from '../../../../src/logger.js';
import type { Doc, ReadStore } from '../../../../src/stores/documents/port.js';
import type { EventStore } from '../../../../src/stores/events/port.js';
import { projectInMemory } from './projectInMemory.js';
import { streamOf, toNewEvent } from './recordedEvents.js';
import { buildScenario } from './runScenario.js';

export interface EngineStores {
  eventStore: EventStore;
  /** A fresh, empty read store on each call. */
  openReadStore(): Promise<ReadStore>;
  cleanup(): Promise<void>;
}

/** Every document of every read-model collection, by logical collection, sorted by id. */
export const dumpReadModels = async (readStore: ReadStore): Promise<Record<string, Doc[]>> => {
  const dump: Record<string, Doc[]> = {};
  for (const projection of readModelProjections) {
    for (const [logical, spec] of Object.entries(projection.collections)) {
      const docs = await readStore.collection(physicalCollectionName(logical, projection.version), spec).find({ limit: 10_000 });
      dump[logical] = [...docs].sort((a, b) => a._id.localeCompare(b._id));
    }
  }
  return dump;
};

const projectAll = async (eventStore: EventStore, readStore: ReadStore, batchSize: number, until: bigint): Promise<void> => {
  const engine = createProjectionEngine({
    eventStore,
    readStore,
    projections: readModelProjections,
    logger: silentLogger,
    runProjections: true,
    batchSize,
  });
  await engine.start();
  try {
    expect(await engine.waitFor(until, 20_000)).toBe(true);
    for (const status of await engine.statuses()) expect(status.state).toBe('running');
  } finally {
    await engine.stop();
  }
};

/**
 * Live projection (small batches while the events arrive) equals a rebuild from the log (one big
 * batch) equals the pure projections run in memory over the same recorded events.
 */
export const readModelsEngineSuite = (setup: () => Promise<EngineStores>): void => {
  it('projects the scenario live, and a rebuild from the log gives the same documents', async () => {
    const stores = await setup();
    try {
      const scenario = buildScenario();
      const live = await stores.openReadStore();
      const engine = createProjectionEngine({
        eventStore: stores.eventStore,
        readStore: live,
        projections: readModelProjections,
        logger: silentLogger,
        runProjections: true,
        batchSize: 3,
      });
      await engine.start();
      let last = 0n;
      for (const event of scenario.events) {
        last = (await stores.eventStore.append(streamOf(event), [toNewEvent(event)], 'any')).position;
      }
      expect(await engine.waitFor(last, 20_000)).toBe(true);
      await engine.stop();
      const liveDocs = await dumpReadModels(live);

      const rebuilt = await stores.openReadStore();
      await projectAll(stores.eventStore, rebuilt, 500, last);
      const rebuiltDocs = await dumpReadModels(rebuilt);
      expect(rebuiltDocs).toEqual(liveDocs);

      const recorded = await stores.eventStore.readAll();
      const inMemory = projectInMemory(readModelProjections, recorded);
      const expected: Record<string, Doc[]> = {};
      for (const [name, docs] of inMemory) {
        expected[name] = JSON.parse(JSON.stringify([...docs.values()].sort((a, b) => a._id.localeCompare(b._id)))) as Doc[];
      }
      expect(liveDocs).toEqual(expected);
      // The scenario really exercised every read model.
      for (const name of ['runs', 'tasks', 'networks', 'actions', 'contributors', 'contributorsMonthly']) {
        expect(liveDocs[name]?.length ?? 0).toBeGreaterThan(0);
      }
    } finally {
      await stores.cleanup();
    }
  });
};
