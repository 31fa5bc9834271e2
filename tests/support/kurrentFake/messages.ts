import type { StoredEvent } from './memoryLog.js';
import { ReadResp, StreamIdentifier, Timestamp, UUID } from './protocol.js';
import type { ReadRespMessage, UUIDMessage } from './protocol.js';

export type UuidFormat = 'string' | 'structured';

const INT64_RANGE = 1n << 64n;
const INT64_MAX = (1n << 63n) - 1n;

const toSignedInt64 = (unsigned: bigint): bigint => (unsigned > INT64_MAX ? unsigned - INT64_RANGE : unsigned);

/** grpc-js asks for a string UUID, the Rust bridge for the structured (two int64) form. */
export function toUuidMessage(id: string, format: UuidFormat): UUIDMessage {
  const uuid = new UUID();
  if (format === 'string') return uuid.setString(id);
  const hex = id.replaceAll('-', '');
  const structured = new UUID.Structured()
    .setMostSignificantBits(toSignedInt64(BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(toSignedInt64(BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(structured);
}

export function fromUuidMessage(uuid: UUIDMessage | undefined): string {
  if (!uuid) throw new Error('proposed message without an id');
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured() as InstanceType<typeof UUID.Structured>;
  const toHex = (value: string) => (BigInt(value) & (INT64_RANGE - 1n)).toString(16).padStart(16, '0');
  const high = toHex(structured.getMostSignificantBits());
  const low = toHex(structured.getLeastSignificantBits());
  return `${high.slice(0, 8)}-${high.slice(8, 12)}-${high.slice(12)}-${low.slice(0, 4)}-${low.slice(4)}`;
}

export const streamIdentifier = (streamId: string) => new StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));

export function eventResponse(event: StoredEvent, format: UuidFormat): ReadRespMessage {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuidMessage(event.id, format))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setPreparePosition(event.position.toString())
    .setCommitPosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.createdTicks.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(readEvent);
}

export const confirmationResponse = (subscriptionId: string): ReadRespMessage =>
  new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));

export const checkpointResponse = (position: bigint): ReadRespMessage =>
  new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
  );

export function caughtUpResponse(position: bigint, now: Date): ReadRespMessage {
  const caughtUp = new ReadResp.CaughtUp()
    .setTimestamp(Timestamp.fromDate(now))
    .setPosition(new ReadResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
  return new ReadResp().setCaughtUp(caughtUp);
}

export const streamNotFoundResponse = (streamId: string): ReadRespMessage =>
  new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamId)));
