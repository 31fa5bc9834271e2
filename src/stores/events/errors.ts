import type { ExpectedRevision } from './port.js';

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream' when it does not exist. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`wrong expected version for stream ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
  constructor(readonly stream: string) {
    super(`stream not found: ${stream}`);
  }
}

/** The store cannot be reached now; the operation may succeed if retried. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The node asked is not the cluster leader; the client should reconnect to the leader. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An event id was reused for a different stream. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string, readonly stream: string, readonly existingStream: string) {
    super(`event id ${eventId} appended to ${stream} already belongs to stream ${existingStream}`);
  }
}
