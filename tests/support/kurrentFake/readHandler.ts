import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { MemoryLog, StoredEvent } from './memoryLog.js';
import {
  caughtUpResponse,
  checkpointResponse,
  confirmationResponse,
  eventResponse,
  streamNotFoundResponse,
} from './messages.js';
import type { UuidFormat } from './messages.js';
import { ReadReq } from './protocol.js';
import type { ReadReqMessage, ReadRespMessage } from './protocol.js';

export type ReadCall = ServerWritableStream<ReadReqMessage, ReadRespMessage>;

type Start = 'start' | 'end' | bigint;

interface ReadRequest {
  source: { kind: 'stream'; streamId: string; from: Start } | { kind: 'all'; from: Start };
  backwards: boolean;
  maxCount: bigint;
  subscription: boolean;
  filter: { matches: (event: StoredEvent) => boolean; checkpointEvery: number } | undefined;
  uuidFormat: UuidFormat;
}

/** The server sends a filtered subscription a checkpoint every `multiplier × 32` events it scanned. */
const CHECKPOINT_BASE_INTERVAL = 32;

function parseRequest(request: ReadReqMessage): ReadRequest {
  const options = request.getOptions();
  if (!options) throw new Error('read request without options');
  let source: ReadRequest['source'];
  const stream = options.getStream();
  const all = options.getAll();
  if (stream) {
    const streamId = Buffer.from(stream.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
    const from: Start = stream.hasStart() ? 'start' : stream.hasEnd() ? 'end' : BigInt(stream.getRevision());
    source = { kind: 'stream', streamId, from };
  } else if (all) {
    const position = all.getPosition();
    const from: Start = all.hasStart() ? 'start' : all.hasEnd() || !position ? 'end' : BigInt(position.getCommitPosition());
    source = { kind: 'all', from };
  } else {
    throw new Error('read request without a stream or $all');
  }
  return {
    source,
    backwards: options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS,
    maxCount: options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER),
    subscription: options.hasSubscription(),
    filter: parseFilter(options.getFilter()),
    uuidFormat: options.getUuidOption()?.hasStructured() ? 'structured' : 'string',
  };
}

function parseFilter(filter: InstanceType<typeof ReadReq.Options.FilterOptions> | undefined): ReadRequest['filter'] {
  if (!filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) return undefined;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const matchesValue = (value: string) =>
    prefixes.length > 0 ? prefixes.some((prefix) => value.startsWith(prefix)) : regex ? regex.test(value) : true;
  return {
    matches: (event) => matchesValue(onStream ? event.streamId : event.type),
    checkpointEvery: Math.max(1, filter.getCheckpointintervalmultiplier()) * CHECKPOINT_BASE_INTERVAL,
  };
}

/** Events of a non-subscription read, in the order the server would send them. */
function selectForRead(log: MemoryLog, request: ReadRequest): readonly StoredEvent[] | 'stream_not_found' {
  const { source, backwards } = request;
  if (source.kind === 'stream') {
    const events = log.stream(source.streamId);
    if (!events || events.length === 0) return 'stream_not_found';
    const { from } = source;
    if (!backwards) {
      if (from === 'end') return [];
      const first = from === 'start' ? 0n : from;
      return events.filter((event) => event.revision >= first);
    }
    if (from === 'start') return events.slice(0, 1);
    const last = from === 'end' ? BigInt(events.length - 1) : from;
    return events.filter((event) => event.revision <= last).reverse();
  }
  const { from } = source;
  const events = log.all();
  // Forward reads include the event at the given position; backward reads start just before it.
  if (!backwards) {
    if (from === 'end') return [];
    return from === 'start' ? events : events.filter((event) => event.position >= from);
  }
  if (from === 'start') return [];
  return (from === 'end' ? [...events] : events.filter((event) => event.position < from)).reverse();
}

export type SubscriptionStart = Start;

export interface LiveSubscriptions {
  /** Where every `$all` subscription asked to start, in arrival order. */
  readonly starts: readonly SubscriptionStart[];
  readonly openCount: number;
  add(start: SubscriptionStart, drop: () => void): () => void;
  dropAll(): void;
}

export function createLiveSubscriptions(): LiveSubscriptions {
  const drops = new Set<() => void>();
  const starts: SubscriptionStart[] = [];
  return {
    starts,
    get openCount() {
      return drops.size;
    },
    add(start, drop) {
      starts.push(start);
      drops.add(drop);
      return () => drops.delete(drop);
    },
    dropAll() {
      for (const drop of [...drops]) drop();
    },
  };
}

export function createReadHandler(log: MemoryLog, live: LiveSubscriptions) {
  return (call: ReadCall) => {
    let request: ReadRequest;
    try {
      request = parseRequest(call.request);
    } catch (error) {
      call.emit('error', { code: GrpcStatus.INVALID_ARGUMENT, details: (error as Error).message });
      return;
    }
    if (!request.subscription) {
      serveRead(call, log, request);
      return;
    }
    if (request.source.kind !== 'all') {
      call.emit('error', { code: GrpcStatus.UNIMPLEMENTED, details: 'the fake serves subscriptions to $all only' });
      return;
    }
    serveAllSubscription(call, log, live, request, request.source.from);
  };
}

function serveRead(call: ReadCall, log: MemoryLog, request: ReadRequest) {
  const selected = selectForRead(log, request);
  if (selected === 'stream_not_found') {
    const source = request.source as { streamId: string };
    call.write(streamNotFoundResponse(source.streamId));
    call.end();
    return;
  }
  let sent = 0n;
  for (const event of selected) {
    if (sent >= request.maxCount) break;
    if (request.filter && !request.filter.matches(event)) continue;
    call.write(eventResponse(event, request.uuidFormat));
    sent += 1n;
  }
  call.end();
}

function serveAllSubscription(call: ReadCall, log: MemoryLog, live: LiveSubscriptions, request: ReadRequest, from: Start) {
  let open = true;
  let scannedSinceCheckpoint = 0;
  const send = (message: ReadRespMessage) => {
    if (open) call.write(message);
  };
  const deliver = (event: StoredEvent) => {
    const { filter } = request;
    if (!filter || filter.matches(event)) send(eventResponse(event, request.uuidFormat));
    if (!filter) return;
    scannedSinceCheckpoint += 1;
    if (scannedSinceCheckpoint >= filter.checkpointEvery) {
      scannedSinceCheckpoint = 0;
      send(checkpointResponse(event.position));
    }
  };

  send(confirmationResponse(randomUUID()));
  const history = log.all();
  if (from !== 'end') {
    for (const event of history) {
      if (from === 'start' || event.position > from) deliver(event);
    }
  }
  send(caughtUpResponse(history[history.length - 1]?.position ?? 0n, new Date()));
  // Catch-up and registration run in one synchronous step, so no write can fall between them.
  const stopListening = log.onWritten(deliver);

  const close = () => {
    if (!open) return;
    open = false;
    stopListening();
    forget();
  };
  const forget = live.add(from, () => {
    close();
    call.emit('error', { code: GrpcStatus.UNAVAILABLE, details: 'subscription dropped by the fake server' });
  });
  call.on('cancelled', close);
  call.on('close', close);
}
