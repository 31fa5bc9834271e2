import { START, streamNameFilter } from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent, AllStreamSubscription, KurrentDBClient, Position } from '@kurrent/kurrentdb-client';
import { Observable } from 'rxjs';
import type { RecordedEvent } from '../port.js';
import { isSystemStream, toRecordedEvent } from './eventMapping.js';
import { createResumePosition } from './resumePosition.js';
import { isTransient, toPortError } from './toPortError.js';

export interface ResubscribeSettings {
  /** First wait after a drop; doubles on each failed attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts before the Observable errors; Infinity retries for ever. */
  maxAttempts: number;
}

export interface AllSubscriptionRequest {
  /** Exclusive; undefined or 0n is the start of the log. */
  fromPosition: bigint | undefined;
  /** undefined: every non-system stream. */
  streamPrefixes: readonly string[] | undefined;
  ready: (() => Promise<void>) | undefined;
}

/** Keeps work that close() must wait for. */
export interface OpenWork {
  add(done: Promise<void>, stop: () => void): void;
}

/**
 * A checkpoint travels through the subscription's own buffer, behind the events that came before
 * it, so the resume position is raised only once those events have been emitted.
 */
const CHECKPOINT = Symbol('checkpoint');
interface CheckpointMarker {
  [CHECKPOINT]: bigint;
}
const isCheckpoint = (item: unknown): item is CheckpointMarker =>
  typeof item === 'object' && item !== null && CHECKPOINT in item;

const NON_SYSTEM_STREAMS = '^[^$]';

export function subscribeAll(
  client: KurrentDBClient,
  request: AllSubscriptionRequest,
  settings: ResubscribeSettings,
  openWork: OpenWork,
): Observable<RecordedEvent> {
  // No prefix selects no stream: nothing will ever match, so no server subscription is needed.
  if (request.streamPrefixes && request.streamPrefixes.length === 0) return new Observable<RecordedEvent>(() => undefined);
  return new Observable<RecordedEvent>((subscriber) => {
    const start = request.fromPosition === 0n ? undefined : request.fromPosition;
    const resume = createResumePosition(start);
    let stopped = false;
    let current: AllStreamSubscription | undefined;
    let wake: () => void = () => undefined;
    const stopSignal = new Promise<void>((resolve) => {
      wake = resolve;
    });

    const waitReady = async (): Promise<void> => {
      if (request.ready) await Promise.race([request.ready(), stopSignal]);
    };

    const open = (): AllStreamSubscription => {
      const checkpointReached = (subscription: AllStreamSubscription, position: Position) => {
        const marker: CheckpointMarker = { [CHECKPOINT]: position.commit };
        subscription.push(marker);
      };
      const filter = request.streamPrefixes
        ? streamNameFilter({ prefixes: [...request.streamPrefixes], checkpointReached })
        : streamNameFilter({ regex: NON_SYSTEM_STREAMS, checkpointReached });
      const from = resume.current;
      const subscription = client.subscribeToAll({
        fromPosition: from === undefined ? START : { commit: from, prepare: from },
        filter,
      });
      // The client emits failures as plain 'error' events, which an iterator attached later
      // would miss; destroying with the error makes any reader see it.
      subscription.on('error', (error) => subscription.destroy(error));
      return subscription;
    };

    /** Returns once the subscription ends; throws what ended it. */
    const consume = async (subscription: AllStreamSubscription, onDelivered: () => void): Promise<void> => {
      await waitReady();
      for await (const item of subscription as AsyncIterable<AllStreamResolvedEvent | CheckpointMarker>) {
        if (stopped) return;
        if (isCheckpoint(item)) {
          resume.raiseTo(item[CHECKPOINT]);
          continue;
        }
        const recorded = item.event;
        if (!recorded || isSystemStream(recorded.streamId)) continue;
        const event = toRecordedEvent(recorded);
        // After a resubscribe the server starts after the resume position; this only guards.
        if (!resume.advanceTo(event.position)) continue;
        subscriber.next(event);
        onDelivered();
        await waitReady();
      }
    };

    const sleep = (ms: number) =>
      Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), stopSignal]);

    const run = async (): Promise<void> => {
      let failedAttempts = 0;
      while (!stopped) {
        const subscription = open();
        current = subscription;
        subscription.on('confirmation', () => {
          failedAttempts = 0;
        });
        let failure: unknown;
        try {
          await consume(subscription, () => {
            failedAttempts = 0;
          });
        } catch (error) {
          failure = toPortError(error);
        } finally {
          current = undefined;
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (stopped) return;
        // A server that ends a subscription without an error is treated like a drop.
        if (failure !== undefined && !isTransient(failure)) {
          subscriber.error(failure);
          return;
        }
        failedAttempts += 1;
        if (failedAttempts > settings.maxAttempts) {
          subscriber.error(failure ?? new Error('the $all subscription kept ending'));
          return;
        }
        await sleep(Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (failedAttempts - 1)));
      }
    };

    const stop = () => {
      if (stopped) return;
      stopped = true;
      wake();
      const subscription = current;
      if (subscription) {
        void subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
    };

    const done = run().catch((error: unknown) => {
      if (!stopped) subscriber.error(error);
    });
    openWork.add(done, stop);
    return stop;
  });
}
