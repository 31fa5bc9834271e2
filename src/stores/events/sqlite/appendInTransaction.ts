import type { AppendResult, ExpectedRevision } from '../port.js';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors.js';
import type { EventRow } from './rows.js';
import type { ReadStatements, WriteStatements } from './statements.js';
import type { StreamHeads } from './streamHeads.js';

/** An event already serialized at the time `append` was called. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

export interface AppendRequest {
  stream: string;
  expected: ExpectedRevision;
  events: PreparedEvent[];
  /** The caller chose the ids, so a conflict may be a retry worth recognising. */
  hasGivenIds: boolean;
}

export type AppendOutcome =
  | { ok: true; result: AppendResult }
  | { ok: false; error: WrongExpectedVersionError | DuplicateEventIdError };

export interface AppendContext {
  write: WriteStatements;
  read: ReadStatements;
  heads: StreamHeads;
  /** When set, the inserted rows are pushed here for live subscribers. */
  committedRows: EventRow[] | undefined;
}

/**
 * Applies one append inside an open transaction. Rejections the caller must see (wrong expected
 * version, reused id) are returned and leave nothing behind; anything thrown is unexpected and
 * the caller must roll the transaction back.
 */
export function appendInTransaction(context: AppendContext, request: AppendRequest): AppendOutcome {
  const { write, heads, committedRows } = context;
  const { stream, expected, events } = request;
  const head = heads.get(stream);

  if (!expectationHolds(expected, head.revision)) {
    const retry = request.hasGivenIds ? recogniseRetry(context, request) : undefined;
    if (retry) return retry;
    return { ok: false, error: new WrongExpectedVersionError(stream, expected, actualOf(head.revision)) };
  }
  if (events.length === 0) {
    return { ok: true, result: { nextRevision: BigInt(head.revision), position: BigInt(head.position) } };
  }

  const rowsBefore = committedRows?.length ?? 0;
  let revision = head.revision;
  let position = head.position;
  let firstPosition = 0;
  for (const event of events) {
    const inserted = write.insert.run(event.id, stream, revision + 1, event.type, event.data, event.metadata);
    if (inserted.changes === 0) {
      // The id is taken: undo this append's rows (the newest ones) and find out whether it is a retry.
      if (revision > head.revision) write.deleteFrom.run(firstPosition);
      if (committedRows) committedRows.length = rowsBefore;
      return recogniseRetry(context, request) ?? duplicateInsideRequest(request, event.id);
    }
    revision++;
    position = Number(inserted.lastInsertRowid);
    if (revision === head.revision + 1) firstPosition = position;
    committedRows?.push({
      position,
      id: event.id,
      stream_id: stream,
      revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    });
  }
  heads.set(stream, { revision, position });
  return { ok: true, result: { nextRevision: BigInt(revision), position: BigInt(position) } };
}

function expectationHolds(expected: ExpectedRevision, headRevision: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return headRevision < 0;
    case 'stream_exists':
      return headRevision >= 0;
    default:
      return headRevision >= 0 && BigInt(headRevision) === expected;
  }
}

function actualOf(headRevision: number): bigint | 'no_stream' {
  return headRevision < 0 ? 'no_stream' : BigInt(headRevision);
}

/**
 * A retry is an append whose events are all already stored, consecutively, in the same stream:
 * it succeeds again with the original answer, whatever the expected revision says now.
 * Undefined when none of the ids is stored (a plain conflict).
 */
function recogniseRetry(context: AppendContext, request: AppendRequest): AppendOutcome | undefined {
  const { stream, events } = request;
  let previous: { revision: number; position: number } | undefined;
  let found = 0;
  let partial: string | undefined;
  for (const event of events) {
    const location = context.read.locateEvent.get(event.id);
    if (!location) {
      partial ??= event.id;
      continue;
    }
    if (location.stream_id !== stream) {
      return { ok: false, error: new DuplicateEventIdError(event.id, stream, location.stream_id) };
    }
    if (previous && location.revision !== previous.revision + 1) partial ??= event.id;
    previous = location;
    found++;
  }
  if (found === 0) return undefined;
  if (partial !== undefined || !previous) {
    const reused = events.find((event) => context.read.locateEvent.get(event.id)) ?? events[0];
    return { ok: false, error: new DuplicateEventIdError(reused?.id ?? '', stream, stream) };
  }
  return { ok: true, result: { nextRevision: BigInt(previous.revision), position: BigInt(previous.position) } };
}

function duplicateInsideRequest(request: AppendRequest, id: string): AppendOutcome {
  return { ok: false, error: new DuplicateEventIdError(id, request.stream, request.stream) };
}
