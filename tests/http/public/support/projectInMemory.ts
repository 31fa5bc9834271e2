import type { Doc } from '../../../../src/stores/documents/port.js';
import type { RecordedEvent } from '../../../../src/stores/events/port.js';
import type { Projection } from '../../../../src/projections/projection.js';
import { docKeyString } from '../../../../src/projections/projection.js';

/** Documents by logical collection, then id. */
export type ReadModelState = Map<string, Map<string, Doc>>;

/**
 * Runs projections over events one at a time in memory, with the runner's rules (only named
 * documents may be read or written, lookups before keys), for pure "given events, expect
 * documents" specifications. `_position` is set as the runner sets it.
 */
export const projectInMemory = (projections: readonly Projection[], events: readonly RecordedEvent[]): ReadModelState => {
  const state: ReadModelState = new Map();
  const collectionOf = (name: string): Map<string, Doc> => {
    let collection = state.get(name);
    if (!collection) {
      collection = new Map();
      state.set(name, collection);
    }
    return collection;
  };
  for (const projection of projections) {
    for (const name of Object.keys(projection.collections)) collectionOf(name);
    for (const event of events) {
      if (projection.eventTypes !== '*' && !projection.eventTypes.includes(event.type)) continue;
      const reader = (allowed: ReadonlySet<string>) => (collection: string, id: string): Doc | null => {
        if (!allowed.has(docKeyString(collection, id))) throw new Error(`${projection.name} read ${collection}/${id} without naming it`);
        return state.get(collection)?.get(id) ?? null;
      };
      const lookups = projection.lookups?.(event) ?? [];
      const lookupSet = new Set(lookups.map((key) => docKeyString(key.collection, key.id)));
      const keys = projection.keys(event, reader(lookupSet));
      const allowed = new Set([...lookupSet, ...keys.map((key) => docKeyString(key.collection, key.id))]);
      for (const key of [...lookups, ...keys]) {
        if (!projection.collections[key.collection]) throw new Error(`${projection.name} named undeclared ${key.collection}`);
      }
      for (const change of projection.project(event, reader(allowed))) {
        if (!allowed.has(docKeyString(change.collection, change.id))) {
          throw new Error(`${projection.name} wrote ${change.collection}/${change.id} without naming it`);
        }
        const collection = collectionOf(change.collection);
        if (change.doc === null) collection.delete(change.id);
        else collection.set(change.id, { ...change.doc, _id: change.id, _position: Number(event.position) });
      }
    }
  }
  return state;
};

export const docsOf = (state: ReadModelState, collection: string): Doc[] =>
  [...(state.get(collection)?.values() ?? [])].sort((a, b) => a._id.localeCompare(b._id));

export const docOf = (state: ReadModelState, collection: string, id: string): Doc | null =>
  state.get(collection)?.get(id) ?? null;
