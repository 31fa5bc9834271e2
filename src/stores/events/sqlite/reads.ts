import type { EventFilter, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../port.js';
import { StreamNotFoundError } from '../errors.js';
import type { EventRow } from './rows.js';
import { toRecordedEvent } from './rows.js';
import type { ReadStatements } from './statements.js';

/** SQLite's LIMIT takes a negative value as "no limit". */
const NO_LIMIT = -1;
const LAST_REVISION = Number.MAX_SAFE_INTEGER;

export function readStream(statements: ReadStatements, stream: string, options: ReadStreamOptions = {}): RecordedEvent[] {
  const limit = options.maxCount ?? NO_LIMIT;
  const rows =
    options.direction === 'backwards'
      ? statements.streamBackwards.all(stream, options.fromRevision ?? LAST_REVISION, limit)
      : statements.streamForwards.all(stream, options.fromRevision ?? 0, limit);
  if (rows.length === 0 && statements.streamHead.get(stream) === undefined) throw new StreamNotFoundError(stream);
  return rows.map(toRecordedEvent);
}

/** The last position readers may see: the database's head, or less while a commit awaits its sync. */
export type VisibleHead = () => number;

export function readAll(statements: ReadStatements, visibleHead: VisibleHead, options: ReadAllOptions = {}): RecordedEvent[] {
  const head = visibleHead();
  const after = Number(options.fromPosition ?? 0n);
  return readRange(statements, after, head, options.maxCount ?? NO_LIMIT, options.filter).map(toRecordedEvent);
}

export interface Page {
  rows: EventRow[];
  /** Every event up to here has been considered (emitted or filtered out). */
  scannedTo: number;
  caughtUp: boolean;
}

/**
 * One page of the log after a position. The bound is the head read just before, so a page that
 * comes back short proves everything up to that head was seen, even when the filter dropped rows.
 */
export function readPage(
  statements: ReadStatements,
  visibleHead: VisibleHead,
  after: number,
  pageSize: number,
  filter?: EventFilter,
): Page {
  const head = visibleHead();
  if (head <= after) return { rows: [], scannedTo: after, caughtUp: true };
  const rows = readRange(statements, after, head, pageSize, filter);
  if (rows.length < pageSize) return { rows, scannedTo: head, caughtUp: true };
  return { rows, scannedTo: rows[rows.length - 1]?.position ?? after, caughtUp: false };
}

function readRange(
  statements: ReadStatements,
  after: number,
  upTo: number,
  limit: number,
  filter: EventFilter | undefined,
): EventRow[] {
  const prefixes = filter?.streamPrefixes;
  if (prefixes === undefined) return statements.range(0).all(after, upTo, limit);
  if (prefixes.length === 0) return [];
  const parameters: unknown[] = [after, upTo];
  // substr counts characters (code points), not UTF-16 units.
  for (const prefix of prefixes) parameters.push([...prefix].length, prefix);
  parameters.push(limit);
  return statements.range(prefixes.length).all(...parameters);
}

export function matchesFilter(streamId: string, filter: EventFilter | undefined): boolean {
  const prefixes = filter?.streamPrefixes;
  if (prefixes === undefined) return true;
  for (const prefix of prefixes) if (streamId.startsWith(prefix)) return true;
  return false;
}
