import type { RecordedEvent } from '../stores/events/port.js';
import type { CollectionSpec, Doc } from '../stores/documents/port.js';

/** A document of a read model, addressed by its logical collection name. */
export interface DocKey {
  collection: string;
  id: string;
}

export interface DocChange {
  collection: string;
  id: string;
  /** The new document without `_id`/`_position` bookkeeping concerns, or null to delete it. */
  doc: Doc | null;
}

/** Reads a document prefetched for the event (see `keys`); null when it does not exist. */
export type CurrentDoc = (collection: string, id: string) => Doc | null;

/**
 * A read model: a pure function from the current documents and one event to the changed documents.
 * Bumping `version` rebuilds it from the start of the log into fresh collections.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /** Logical collection name → indexes it offers to queries. */
  readonly collections: Readonly<Record<string, CollectionSpec>>;
  /** Event types it handles, or '*' for every event. */
  readonly eventTypes: readonly string[] | '*';
  /**
   * Optional: documents to read before `keys` runs, for events whose documents depend on stored
   * state (e.g. the tasks still active when a run finishes). `keys` and `project` may read them,
   * and `project` may write them.
   */
  lookups?(event: RecordedEvent): DocKey[];
  /**
   * The documents `project` may read and write for this event; they are fetched before it runs.
   * `lookup` reads the documents named by `lookups` (as earlier events of the batch left them).
   */
  keys(event: RecordedEvent, lookup: CurrentDoc): DocKey[];
  project(event: RecordedEvent, current: CurrentDoc): DocChange[];
}

export const physicalCollectionName = (logical: string, version: number): string => `${logical}_v${version}`;

export const checkpointIdOf = (projection: Pick<Projection, 'name' | 'version'>): string =>
  `${projection.name}@v${projection.version}`;

export const docKeyString = (collection: string, id: string): string => `${collection}\u0000${id}`;
