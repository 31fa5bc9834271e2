import { BACKWARDS, END, KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from '../port.js';
import { EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../errors.js';
import { toKurrentConnectionString } from './connectionString.js';
import { toEventData } from './eventMapping.js';
import { headPosition, readAll, readStream } from './reads.js';
import type { StreamSelection } from './reads.js';
import { toStreamState } from './streamState.js';
import { subscribeAll } from './subscribeAll.js';
import type { OpenWork, ResubscribeSettings } from './subscribeAll.js';
import { toPortError } from './toPortError.js';

export interface KurrentEventStoreOptions {
  /** `kurrentdb://…`, `kurrentdb+discover://…`; the legacy `esdb://` schemes are accepted too. */
  connectionString: string;
  /**
   * The streams this application owns. readAll, subscribeAll and headPosition look only at them
   * when the caller gives no filter; without it they see every stream except the server's own (`$…`).
   */
  streamPrefixes?: readonly string[];
  resubscribe?: Partial<ResubscribeSettings>;
  /** ping fails after this long; default 5 000 ms. */
  pingTimeoutMs?: number;
  /** Events per `$all` read request; default 1 000. */
  readPageSize?: number;
}

const DEFAULT_RESUBSCRIBE: ResubscribeSettings = {
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

export function createKurrentEventStore(options: KurrentEventStoreOptions): EventStore {
  const client = KurrentDBClient.connectionString(toKurrentConnectionString(options.connectionString));
  const defaultPrefixes: StreamSelection = options.streamPrefixes;
  const resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
  const pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
  const readPageSize = options.readPageSize ?? 1_000;

  const open = new Map<Promise<void>, () => void>();
  const openWork: OpenWork = {
    add(done, stop) {
      open.set(done, stop);
      void done.finally(() => open.delete(done));
    },
  };
  let closed = false;

  /** Position of the event at `revision`, for servers that answer an append without one. */
  const positionOf = async (stream: string, revision: bigint): Promise<bigint> => {
    const [event] = await readStream(client, stream, { direction: 'backwards', fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`appended event ${revision} of ${stream} cannot be read back`);
    return event.position;
  };

  /** An empty append writes nothing; it only checks the expectation against the stream's head. */
  const checkOnly = async (stream: string, expected: ExpectedRevision): Promise<AppendResult> => {
    const [last] = await readStream(client, stream, { direction: 'backwards', maxCount: 1 }).catch((error: unknown) => {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    });
    const actual = last ? last.revision : 'no_stream';
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'stream_exists' && actual !== 'no_stream') ||
      expected === actual;
    if (!holds) throw new WrongExpectedVersionError(stream, expected, actual);
    return { nextRevision: last ? last.revision : -1n, position: last ? last.position : 0n };
  };

  return {
    kind: 'kurrentdb',

    async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
      if (events.length === 0) return checkOnly(stream, expected);
      const serverTime = new Date().toISOString();
      let result;
      try {
        result = await client.appendToStream(
          stream,
          events.map((event) => toEventData(event, serverTime)),
          { streamState: toStreamState(expected) },
        );
      } catch (error) {
        throw toPortError(error, { stream, expected });
      }
      const position = result.position?.commit ?? (await positionOf(stream, result.nextExpectedRevision));
      return { nextRevision: result.nextExpectedRevision, position };
    },

    readStream: (stream, readOptions) => readStream(client, stream, readOptions),

    readAll: (readOptions = {}) =>
      readAll(client, readOptions, readOptions.filter?.streamPrefixes ?? defaultPrefixes, readPageSize),

    subscribeAll: (subscribeOptions = {}) =>
      subscribeAll(
        client,
        {
          fromPosition: subscribeOptions.fromPosition,
          streamPrefixes: subscribeOptions.filter?.streamPrefixes ?? defaultPrefixes,
          ready: subscribeOptions.ready,
        },
        resubscribe,
        openWork,
      ),

    headPosition: () => headPosition(client, defaultPrefixes),

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EventStoreUnavailableError(`KurrentDB did not answer within ${pingTimeoutMs} ms`)),
          pingTimeoutMs,
        );
      });
      const probe = async () => {
        try {
          for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
        } catch (error) {
          const mapped = toPortError(error);
          throw mapped instanceof EventStoreUnavailableError
            ? mapped
            : new EventStoreUnavailableError('KurrentDB ping failed', { cause: mapped });
        }
      };
      try {
        await Promise.race([probe(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const stop of open.values()) stop();
      await Promise.allSettled([...open.keys()]);
      await client.dispose();
    },
  };
}
