import type { NetworkEvent } from '../../domain/networks/events.js';
import { NETWORK_EVENT_TYPES } from '../../domain/networks/events.js';
import type { RecordedEvent } from '../../stores/events/port.js';
import type { Doc } from '../../stores/documents/port.js';
import type { Projection } from '../projection.js';
import { asRunEvent, eventTime } from '../runs/runEventFacts.js';

export const NETWORKS = 'networks';

export interface TestReference {
  id: string;
  date: string;
}

/**
 * Upstream's `nns` document (`user`, `name`, `is_master`, `first_test`, `last_test`) with the
 * file's digest, size and upload time. `downloads` is not stored here: it is a blob-store counter
 * read when the list is queried (see `queries.ts`), so a download appends no event.
 */
export interface NetworkDocument extends Doc {
  _id: string;
  name: string;
  user: string;
  sha256: string;
  size: number;
  uploaded_at: string;
  is_master: boolean;
  first_test?: TestReference;
  last_test?: TestReference;
}

const NETWORK_TYPES: ReadonlySet<string> = new Set(NETWORK_EVENT_TYPES);

const asNetworkEvent = (event: RecordedEvent): NetworkEvent | null => {
  if (!NETWORK_TYPES.has(event.type)) return null;
  const data = event.data as { name?: unknown } | null;
  return typeof data?.name === 'string' ? ({ type: event.type, data: event.data } as NetworkEvent) : null;
};

/** The networks a run tests: its new nets (each run's first and last use is recorded on the net). */
const testedNetworks = (event: RecordedEvent): string[] => {
  const run = asRunEvent(event);
  return run?.type === 'RunCreated' ? [...new Set(run.data.args.new_nets)] : [];
};

/** One document per network (`nn-<name>` streams), with the first and last run that tested it. */
export const networksProjection: Projection = {
  name: 'networks',
  version: 1,
  collections: {
    [NETWORKS]: { indexes: ['user', 'is_master', 'uploaded_at'], textFields: ['name', 'user'] },
  },
  eventTypes: [...NETWORK_EVENT_TYPES, 'RunCreated'],
  keys: (event) => {
    const network = asNetworkEvent(event);
    if (network) return [{ collection: NETWORKS, id: network.data.name }];
    return testedNetworks(event).map((name) => ({ collection: NETWORKS, id: name }));
  },
  project: (event, current) => {
    const network = asNetworkEvent(event);
    if (network) {
      const { name } = network.data;
      const previous = current(NETWORKS, name) as NetworkDocument | null;
      if (network.type === 'NetworkUploaded') {
        const doc: NetworkDocument = {
          ...previous,
          _id: name,
          name,
          user: network.data.uploader,
          sha256: network.data.sha256,
          size: network.data.size,
          uploaded_at: eventTime(event),
          is_master: previous?.is_master ?? false,
        };
        return [{ collection: NETWORKS, id: name, doc }];
      }
      return previous ? [{ collection: NETWORKS, id: name, doc: { ...previous, is_master: true } }] : [];
    }
    const run = asRunEvent(event);
    if (run?.type !== 'RunCreated') return [];
    const test: TestReference = { id: run.data.runId, date: eventTime(event) };
    return testedNetworks(event).flatMap((name) => {
      const previous = current(NETWORKS, name) as NetworkDocument | null;
      // A run can only name uploaded nets; one that is not known here is left alone.
      if (!previous) return [];
      const doc: NetworkDocument = { ...previous, first_test: previous.first_test ?? test, last_test: test };
      return [{ collection: NETWORKS, id: name, doc }];
    });
  },
};
