import { randomUUID } from 'node:crypto';
import { jsonEvent } from '@kurrent/kurrentdb-client';
import type { EventData, JSONType, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../port.js';

/** Streams whose names start with `$` belong to the server (stats, projections, metadata). */
export const isSystemStream = (streamId: string): boolean => streamId.startsWith('$');

export function toEventData(event: NewEvent, serverTime: string): EventData {
  const { actor, correlationId, causationId, clientIp } = event.metadata;
  const metadata: EventMetadata = {
    actor,
    correlationId,
    ...(causationId === undefined ? {} : { causationId }),
    ...(clientIp === undefined ? {} : { clientIp }),
    serverTime,
  };
  return jsonEvent({
    // A caller-chosen id lets the server recognise a retried append and not store it twice.
    id: event.id ?? randomUUID(),
    type: event.type,
    // The client JSON-encodes any value; its JSONType is narrower than what JSON allows.
    data: (event.data ?? null) as JSONType,
    metadata: metadata as unknown as JSONType,
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value);

/** Events written by other tools may lack our metadata; they still get a well-formed one. */
function toMetadata(raw: unknown, created: Date): EventMetadata {
  const source = isRecord(raw) ? raw : {};
  const text = (key: string) => (typeof source[key] === 'string' ? source[key] : undefined);
  const causationId = text('causationId');
  const clientIp = text('clientIp');
  return {
    actor: text('actor') ?? 'unknown',
    correlationId: text('correlationId') ?? '',
    ...(causationId === undefined ? {} : { causationId }),
    ...(clientIp === undefined ? {} : { clientIp }),
    serverTime: text('serverTime') ?? created.toISOString(),
  };
}

export function toRecordedEvent(event: KurrentRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error(`event ${event.id} of ${event.streamId} has no $all position (KurrentDB/EventStoreDB 22.6+ needed)`);
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position.commit,
    type: event.type,
    data: event.data,
    metadata: toMetadata(event.metadata, event.created),
  };
}
