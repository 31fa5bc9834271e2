import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  NotLeaderError as ClientNotLeaderError,
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError as ClientUnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  KurrentDBClient,
  Position,
  ReadPosition,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import {
  EventStoreUnavailableError,
  NotLeaderError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../../../src/stores/events/errors.js';
import { toKurrentConnectionString } from '../../../src/stores/events/kurrent/connectionString.js';
import { toRecordedEvent } from '../../../src/stores/events/kurrent/eventMapping.js';
import { createResumePosition } from '../../../src/stores/events/kurrent/resumePosition.js';
import { toStreamState } from '../../../src/stores/events/kurrent/streamState.js';
import { subscribeAll } from '../../../src/stores/events/kurrent/subscribeAll.js';
import { toPortError } from '../../../src/stores/events/kurrent/toPortError.js';
import type { RecordedEvent } from '../../../src/stores/events/port.js';

describe('kurrent adapter units', () => {
  it('rewrites the legacy esdb schemes and leaves the others alone', () => {
    expect(toKurrentConnectionString('esdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    expect(toKurrentConnectionString('esdb+discover://a,b')).toBe('kurrentdb+discover://a,b');
    expect(toKurrentConnectionString('kurrentdb://h:1')).toBe('kurrentdb://h:1');
    expect(toKurrentConnectionString('kdb://h:1?x=esdb://')).toBe('kdb://h:1?x=esdb://');
  });

  it('maps the expected revisions to the client stream states', () => {
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('stream_exists')).toBe('stream_exists');
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState(7n)).toBe(7n);
  });

  describe('resume position', () => {
    it('moves forward with emitted events and refuses anything not after it', () => {
      const resume = createResumePosition(undefined);
      expect(resume.advanceTo(10n)).toBe(true);
      expect(resume.advanceTo(10n)).toBe(false);
      expect(resume.advanceTo(5n)).toBe(false);
      expect(resume.current).toBe(10n);
    });

    it('lets a checkpoint raise it but never lower it', () => {
      const resume = createResumePosition(100n);
      resume.raiseTo(40n);
      expect(resume.current).toBe(100n);
      resume.raiseTo(250n);
      expect(resume.current).toBe(250n);
      expect(resume.advanceTo(200n)).toBe(false);
      expect(resume.current).toBe(250n);
    });
  });

  describe('error mapping', () => {
    it('keeps the caller’s expectation and the server’s actual revision', () => {
      const clientError = new ClientWrongExpectedVersionError(undefined, {
        streamName: 'run-1',
        expected: 'no_stream',
        current: 4n,
      });
      const mapped = toPortError(clientError, { stream: 'run-1', expected: 'no_stream' });
      expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
      expect(mapped).toMatchObject({ stream: 'run-1', expected: 'no_stream', actual: 4n });
      const missing = toPortError(
        new ClientWrongExpectedVersionError(undefined, { streamName: 'run-2', expected: 3n, current: 'no_stream' }),
      );
      expect(missing).toMatchObject({ stream: 'run-2', expected: 3n, actual: 'no_stream' });
    });

    it('maps not found, not leader and unavailable, including bare gRPC errors', () => {
      expect(toPortError(new ClientStreamNotFoundError(undefined, 'run-3'), { stream: 'run-3' })).toEqual(
        new StreamNotFoundError('run-3'),
      );
      const leaderTrailers = new Metadata();
      leaderTrailers.set('exception', 'not-leader');
      leaderTrailers.set('leader-endpoint-host', '10.0.0.2');
      leaderTrailers.set('leader-endpoint-port', '2113');
      const notLeader = Object.assign(new Error('not leader'), {
        code: GrpcStatus.NOT_FOUND,
        details: 'not leader',
        metadata: leaderTrailers,
      }) as ServiceError;
      expect(toPortError(new ClientNotLeaderError(notLeader))).toBeInstanceOf(NotLeaderError);
      expect(toPortError(notLeader)).toBeInstanceOf(NotLeaderError);
      expect(toPortError(new ClientUnavailableError())).toBeInstanceOf(EventStoreUnavailableError);
      const bare = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        code: GrpcStatus.UNAVAILABLE,
        details: 'No connection established',
        metadata: new Metadata(),
      });
      expect(toPortError(bare)).toBeInstanceOf(EventStoreUnavailableError);
      const other = new Error('something else');
      expect(toPortError(other)).toBe(other);
    });
  });

  it('gives events written without our metadata a well-formed one', () => {
    const created = new Date('2026-01-02T03:04:05.000Z');
    const event = toRecordedEvent({
      streamId: 'foreign-1',
      id: '9a4a4e6e-5d4b-4a37-9e07-1f1b8e0b1a11',
      revision: 0n,
      type: 'Imported',
      data: { a: 1 },
      metadata: undefined,
      isJson: true,
      created,
      position: { commit: 77n, prepare: 77n },
    });
    expect(event.position).toBe(77n);
    expect(event.metadata).toEqual({ actor: 'unknown', correlationId: '', serverTime: created.toISOString() });
  });
});

/** A client whose subscriptions play a script: what the server sends each time one is opened. */
function scriptedClient(
  script: Array<(send: (commit: bigint) => void, checkpoint: (commit: bigint) => Promise<void>, end: () => void) => void>,
) {
  const starts: ReadPosition[] = [];
  const client = {
    subscribeToAll(options: SubscribeToAllOptions = {}): AllStreamSubscription {
      starts.push(options.fromPosition ?? 'start');
      const stream = new PassThrough({ objectMode: true });
      const subscription = Object.assign(stream, { unsubscribe: async () => void stream.destroy() });
      const asSubscription = subscription as unknown as AllStreamSubscription;
      const send = (commit: bigint) => {
        const event: AllStreamResolvedEvent = {
          event: {
            streamId: 'unit-s',
            id: `00000000-0000-4000-8000-${commit.toString().padStart(12, '0')}`,
            revision: commit,
            type: `At${commit}`,
            data: {},
            metadata: { actor: 'a', correlationId: 'c', serverTime: '2026-01-01T00:00:00.000Z' },
            isJson: true,
            created: new Date(0),
            position: { commit, prepare: commit },
          },
        };
        stream.write(event);
      };
      const checkpoint = async (commit: bigint) => {
        const position: Position = { commit, prepare: commit };
        await options.filter?.checkpointReached?.(asSubscription, position);
      };
      const step = script.shift();
      setImmediate(() => step?.(send, checkpoint, () => stream.end()));
      return asSubscription;
    },
  };
  return { starts, client: client as unknown as KurrentDBClient };
}

describe('kurrent subscription resume (scripted client)', () => {
  it('resubscribes from the last emitted event, raised but never lowered by checkpoints', async () => {
    const { starts, client } = scriptedClient([
      async (send, checkpoint, end) => {
        send(100n);
        send(200n);
        await checkpoint(150n); // behind what was delivered: must not move the resume point back
        end();
      },
      async (_send, checkpoint, end) => {
        await checkpoint(500n); // the server scanned ahead without a match
        end();
      },
      (send) => {
        send(400n); // not after the resume point: never emitted twice
        send(600n);
      },
    ]);
    const received: RecordedEvent[] = [];
    const stops: Array<() => void> = [];
    const observable = subscribeAll(
      client,
      { fromPosition: undefined, streamPrefixes: ['unit-'], ready: undefined },
      { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 10 },
      { add: (_done, stop) => stops.push(stop) },
    );
    const subscription = observable.subscribe((event) => received.push(event));
    for (let i = 0; i < 200 && received.length < 3; i++) await sleep(5);
    subscription.unsubscribe();
    expect(received.map((e) => e.position)).toEqual([100n, 200n, 600n]);
    expect(starts).toEqual(['start', { commit: 200n, prepare: 200n }, { commit: 500n, prepare: 500n }]);
  });
});
