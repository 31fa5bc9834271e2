import { EventEmitter } from 'node:events';

/** One event as the fake stores it: the bytes the client sent, plus what the server adds. */
export interface StoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  /** Commit and prepare are equal: the fake has no multi-record transactions. */
  position: bigint;
  type: string;
  contentType: string;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  createdTicks: bigint;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedState =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export type CurrentState = { kind: 'no_stream' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { kind: 'success'; currentRevision: bigint; position: bigint }
  | { kind: 'wrong_expected_version'; current: CurrentState; expected: ExpectedState };

/**
 * The first event sits past a made-up log header and every event advances the
 * position by its own size, so positions are strictly increasing but never 0, 1, 2…:
 * code that assumes gapless positions fails against the fake as it would against a server.
 */
const LOG_HEADER_BYTES = 4_096n;
const RECORD_OVERHEAD_BYTES = 96n;

export interface MemoryLog {
  append(streamId: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome;
  stream(streamId: string): readonly StoredEvent[] | undefined;
  all(): readonly StoredEvent[];
  /** Called synchronously for every event written, in log order. */
  onWritten(listener: (event: StoredEvent) => void): () => void;
}

export function createMemoryLog(now: () => number = Date.now): MemoryLog {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const written = new EventEmitter();
  written.setMaxListeners(0);
  let nextPosition = LOG_HEADER_BYTES;

  const currentState = (events: readonly StoredEvent[] | undefined): CurrentState =>
    events && events.length > 0 ? { kind: 'revision', revision: BigInt(events.length - 1) } : { kind: 'no_stream' };

  const isExpected = (expected: ExpectedState, current: CurrentState): boolean => {
    switch (expected.kind) {
      case 'any':
        return true;
      case 'no_stream':
        return current.kind === 'no_stream';
      case 'stream_exists':
        return current.kind === 'revision';
      case 'revision':
        return current.kind === 'revision' && current.revision === expected.revision;
    }
  };

  /**
   * The server treats a retried append as already done when the stream holds
   * the same event ids, in the same order, right after the expected revision
   * (or anywhere, for ANY/STREAM_EXISTS). It then answers with the original result.
   */
  const findIdempotentRetry = (
    existing: readonly StoredEvent[],
    expected: ExpectedState,
    events: readonly ProposedEvent[],
  ): StoredEvent | undefined => {
    const first = events[0];
    if (!first) return undefined;
    let start: number;
    if (expected.kind === 'revision') start = Number(expected.revision) + 1;
    else if (expected.kind === 'no_stream') start = 0;
    else start = existing.findIndex((stored) => stored.id === first.id);
    if (start < 0 || start + events.length > existing.length) return undefined;
    const sameIds = events.every((event, offset) => existing[start + offset]?.id === event.id);
    return sameIds ? existing[start + events.length - 1] : undefined;
  };

  return {
    append(streamId, expected, events) {
      const existing = streams.get(streamId) ?? [];
      const current = currentState(existing);
      const retried = findIdempotentRetry(existing, expected, events);
      if (retried) return { kind: 'success', currentRevision: retried.revision, position: retried.position };
      if (!isExpected(expected, current)) return { kind: 'wrong_expected_version', current, expected };
      if (events.length === 0) {
        // An empty append only checks the expected state; the server reports the current revision.
        const revision = current.kind === 'revision' ? current.revision : -1n;
        return { kind: 'success', currentRevision: revision, position: all[all.length - 1]?.position ?? 0n };
      }
      const createdTicks = BigInt(now()) * 10_000n;
      const stored = events.map((event, offset): StoredEvent => {
        const position = nextPosition;
        nextPosition +=
          RECORD_OVERHEAD_BYTES +
          BigInt(Buffer.byteLength(streamId) + Buffer.byteLength(event.type) + event.data.length + event.customMetadata.length);
        return { ...event, streamId, revision: BigInt(existing.length + offset), position, createdTicks };
      });
      existing.push(...stored);
      streams.set(streamId, existing);
      all.push(...stored);
      for (const event of stored) written.emit('event', event);
      const last = stored[stored.length - 1] as StoredEvent;
      return { kind: 'success', currentRevision: last.revision, position: last.position };
    },
    stream: (streamId) => streams.get(streamId),
    all: () => all,
    onWritten(listener) {
      written.on('event', listener);
      return () => written.off('event', listener);
    },
  };
}
