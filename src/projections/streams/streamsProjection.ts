import type { Projection } from '../projection.js';

export interface StreamSummary {
  _id: string;
  /** The part of the stream id before the first '-', e.g. `run` for `run-42`. */
  category: string;
  /** Revision of the last event, so `events` = revision + 1. */
  revision: number;
  events: number;
  lastEventType: string;
  firstEventAt: string;
  lastEventAt: string;
  lastPosition: string;
  [field: string]: unknown;
}

export const STREAMS = 'streams';

/** One document per stream: what an auditor needs to list and page through the log by stream. */
export const streamsProjection: Projection = {
  name: 'streams',
  version: 1,
  collections: {
    [STREAMS]: { indexes: ['category', 'lastEventAt', 'events'], textFields: ['_id'] },
  },
  eventTypes: '*',
  keys: (event) => [{ collection: STREAMS, id: event.streamId }],
  project: (event, current) => {
    const previous = current(STREAMS, event.streamId) as StreamSummary | null;
    const summary: StreamSummary = {
      _id: event.streamId,
      category: event.streamId.split('-', 1)[0] ?? event.streamId,
      revision: Number(event.revision),
      events: (previous?.events ?? 0) + 1,
      lastEventType: event.type,
      firstEventAt: previous?.firstEventAt ?? event.metadata.serverTime,
      lastEventAt: event.metadata.serverTime,
      lastPosition: event.position.toString(),
    };
    return [{ collection: STREAMS, id: event.streamId, doc: summary }];
  },
};
