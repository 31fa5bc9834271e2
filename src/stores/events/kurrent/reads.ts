import { BACKWARDS, END, FORWARDS, START, streamNameFilter } from '@kurrent/kurrentdb-client';
import type { KurrentDBClient, ReadPosition } from '@kurrent/kurrentdb-client';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../port.js';
import { isSystemStream, toRecordedEvent } from './eventMapping.js';
import { toPortError } from './toPortError.js';

const NON_SYSTEM_STREAMS = '^[^$]';

/** undefined: every non-system stream. */
export type StreamSelection = readonly string[] | undefined;

const filterFor = (prefixes: StreamSelection) =>
  prefixes ? streamNameFilter({ prefixes: [...prefixes] }) : streamNameFilter({ regex: NON_SYSTEM_STREAMS });

export async function readStream(
  client: KurrentDBClient,
  stream: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const backwards = options.direction === 'backwards';
  const events: RecordedEvent[] = [];
  try {
    const reading = client.readStream(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
    for await (const resolved of reading) {
      if (resolved.event) events.push(toRecordedEvent(resolved.event));
    }
  } catch (error) {
    throw toPortError(error, { stream });
  }
  return events;
}

/**
 * `$all` reads include the event at the start position while the port's position is exclusive,
 * so each page starts at the last position seen and drops what is not strictly after it.
 */
export async function readAll(
  client: KurrentDBClient,
  options: ReadAllOptions,
  prefixes: StreamSelection,
  pageSize: number,
): Promise<RecordedEvent[]> {
  if (prefixes && prefixes.length === 0) return [];
  const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
  const filter = filterFor(prefixes);
  let after = options.fromPosition === undefined || options.fromPosition === 0n ? undefined : options.fromPosition;
  const events: RecordedEvent[] = [];
  try {
    while (events.length < limit) {
      const fromPosition: ReadPosition = after === undefined ? START : { commit: after, prepare: after };
      const wanted = Math.min(pageSize, limit - events.length + (after === undefined ? 0 : 1));
      let received = 0;
      let lastSeen: bigint | undefined;
      for await (const resolved of client.readAll({ fromPosition, direction: FORWARDS, maxCount: wanted, filter })) {
        received += 1;
        const recorded = resolved.event;
        if (!recorded?.position) continue;
        lastSeen = recorded.position.commit;
        if (after !== undefined && lastSeen <= after) continue;
        if (isSystemStream(recorded.streamId)) continue;
        events.push(toRecordedEvent(recorded));
      }
      if (received < wanted || lastSeen === undefined) break;
      after = lastSeen;
    }
  } catch (error) {
    throw toPortError(error);
  }
  return events.length > limit ? events.slice(0, limit) : events;
}

/** Position of the newest event in the selected streams; server events never count. */
export async function headPosition(client: KurrentDBClient, prefixes: StreamSelection): Promise<bigint> {
  if (prefixes && prefixes.length === 0) return 0n;
  try {
    const reading = client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: filterFor(prefixes) });
    for await (const resolved of reading) {
      const recorded = resolved.event;
      if (recorded?.position && !isSystemStream(recorded.streamId)) return recorded.position.commit;
    }
  } catch (error) {
    throw toPortError(error);
  }
  return 0n;
}
