import type { Observable } from 'rxjs';

/**
 * Expected state of a stream for an optimistic-concurrency append.
 * A bigint is the exact revision of the stream's last event (0n = one event).
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

/** Who caused an event and why; stored with every event. */
export interface EventContext {
  /** A user name, `worker:<name>`, or `system`. */
  actor: string;
  correlationId: string;
  causationId?: string;
  clientIp?: string;
}

export interface EventMetadata extends EventContext {
  /** ISO-8601 time at which the store accepted the event. */
  serverTime: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUID; when omitted the store assigns a random one. Deterministic ids make retries idempotent. */
  id?: string;
  type: Type;
  data: Data;
  metadata: EventContext;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  /** 0-based revision of the event inside its stream. */
  revision: bigint;
  /** Global position in the log; strictly increasing, not necessarily gapless on every adapter. */
  position: bigint;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (the next expected revision). */
  nextRevision: bigint;
  /** Global position of the last event of the append. */
  position: bigint;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to the start of the log. */
  fromPosition?: bigint;
  maxCount?: number;
  filter?: EventFilter;
}

export interface EventFilter {
  /** Keep events whose stream id starts with one of these prefixes. */
  streamPrefixes?: readonly string[];
}

export interface SubscribeAllOptions {
  /** Exclusive: the subscription starts with the first event after this position. */
  fromPosition?: bigint;
  filter?: EventFilter;
  /**
   * Backpressure: awaited before the subscription reads the next page of events,
   * so a slow consumer never has an unbounded backlog in memory.
   */
  ready?: () => Promise<void>;
}

export interface EventStore {
  readonly kind: string;
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live, in position order, with no gap and no duplicate. */
  subscribeAll(options?: SubscribeAllOptions): Observable<RecordedEvent>;
  /** Position of the last event in the log, 0n when empty. */
  headPosition(): Promise<bigint>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /**
   * Tells caught-up subscriptions that another writer has just added events, so they look now
   * instead of at their next poll. Stores whose subscriptions are pushed by a server omit it.
   */
  nudge?(): void;
  close(): Promise<void>;
}
