import type { EventContext, RecordedEvent } from '../port.js';

/** One row of the events table, as better-sqlite3 returns it (integers as numbers). */
export interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
  };
}

export function serializeData(data: unknown): string {
  // JSON.stringify(undefined) gives undefined, which would be stored as NULL and fail to parse back.
  return JSON.stringify(data) ?? 'null';
}

/** Only the fields of EventMetadata are stored, in a fixed order. */
export function serializeMetadata(context: EventContext, serverTime: string): string {
  return JSON.stringify({
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId,
    clientIp: context.clientIp,
    serverTime,
  });
}

let clockMillis = -1;
let clockText = '';

/** The current time as ISO-8601, formatted once per millisecond however many appends ask. */
export function serverTimeNow(): string {
  const now = Date.now();
  if (now !== clockMillis) {
    clockMillis = now;
    clockText = new Date(now).toISOString();
  }
  return clockText;
}
