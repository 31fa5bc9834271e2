import type { CollectionSpec, Doc, DocumentCollection, ReadStore } from '../stores/documents/port.js';
import type { Projection } from './projection.js';
import { physicalCollectionName } from './projection.js';

export interface ReadModels {
  /** The collection currently serving queries for a logical read model (follows rebuild switches). */
  collection<T extends Doc = Doc>(logical: string): DocumentCollection<T>;
}

interface Served {
  spec: CollectionSpec;
  version: number;
}

/** How long a resolved alias is trusted before asking the store again (a projector may switch it). */
export const ALIAS_TTL_MS = 1_000;

export const createReadModels = (readStore: ReadStore, projections: readonly Projection[]): ReadModels => {
  const served = new Map<string, Served>();
  for (const projection of projections) {
    for (const [logical, spec] of Object.entries(projection.collections)) {
      served.set(logical, { spec, version: projection.version });
    }
  }
  const aliases = new Map<string, { physical: string; at: number }>();

  const resolve = async (logical: string, entry: Served): Promise<DocumentCollection> => {
    const cached = aliases.get(logical);
    let physical = cached && Date.now() - cached.at < ALIAS_TTL_MS ? cached.physical : undefined;
    if (physical === undefined) {
      physical = (await readStore.getAlias(logical)) ?? physicalCollectionName(logical, entry.version);
      aliases.set(logical, { physical, at: Date.now() });
    }
    return readStore.collection(physical, entry.spec);
  };

  return {
    collection<T extends Doc = Doc>(logical: string): DocumentCollection<T> {
      const entry = served.get(logical);
      if (!entry) throw new Error(`unknown read model ${logical}`);
      const target = (): Promise<DocumentCollection<T>> =>
        resolve(logical, entry) as Promise<DocumentCollection<T>>;
      return {
        name: logical,
        get: async (id) => (await target()).get(id),
        getMany: async (ids) => (await target()).getMany(ids),
        upsert: async (doc) => (await target()).upsert(doc),
        delete: async (id) => (await target()).delete(id),
        bulkWrite: async (ops) => (await target()).bulkWrite(ops),
        find: async (query) => (await target()).find(query),
        count: async (query) => (await target()).count(query),
      };
    },
  };
};
