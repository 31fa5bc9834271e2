import type { EventContext, EventStore, NewEvent } from '../stores/events/port.js';
import { NO_STREAM } from '../stores/events/port.js';
import { WrongExpectedVersionError } from '../stores/events/errors.js';
import type { Rejection } from '../domain/shared/decider.js';
import { isRejection } from '../domain/shared/decider.js';
import type { AggregateStore, DomainEvent, LoadedAggregate } from './aggregateStore.js';

/** What a command decided: events to append (with optional deterministic ids) and the reply for its caller. */
export interface Accepted<Event extends DomainEvent, Reply> {
  events: readonly Event[];
  reply: Reply;
  /** One id per event, so a retried request is recognised by the store instead of counted twice. */
  eventIds?: readonly string[];
}

export type Handler<State, Event extends DomainEvent, Reply> = (state: State) => Accepted<Event, Reply> | Rejection;

export type Outcome<Reply> =
  | {
      kind: 'accepted';
      reply: Reply;
      /** Global position of the last event appended for this command; null when it appended none. */
      position: bigint | null;
    }
  | Rejection;

export interface StreamCommandQueue<State, Event extends DomainEvent> {
  /**
   * Runs `handler` on the stream's current state after every command submitted before it. Commands
   * that wait together are appended together, in one append.
   */
  submit<Reply>(streamId: string, handler: Handler<State, Event, Reply>, context: EventContext): Promise<Outcome<Reply>>;
  /** Resolves when every submitted command has finished. */
  drain(): Promise<void>;
}

export interface StreamCommandQueueOptions<State, Event extends DomainEvent> {
  eventStore: EventStore;
  aggregates: AggregateStore<State>;
  evolve(state: State, event: Event): State;
  /** Attempts of a whole group when another writer moved the stream meanwhile. */
  maxAttempts?: number;
}

interface Pending<State, Event extends DomainEvent> {
  handler: Handler<State, Event, unknown>;
  context: EventContext;
  resolve(outcome: Outcome<unknown>): void;
  reject(error: unknown): void;
}

export const createStreamCommandQueue = <State, Event extends DomainEvent>(
  options: StreamCommandQueueOptions<State, Event>,
): StreamCommandQueue<State, Event> => {
  const { eventStore, aggregates, evolve } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const queues = new Map<string, Array<Pending<State, Event>>>();
  const running = new Map<string, Promise<void>>();

  /** Decides every command of the group on a private copy of the state, then appends the events together. */
  const runGroup = async (streamId: string, group: Array<Pending<State, Event>>): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const loaded = await aggregates.load(streamId, { fresh: attempt > 1 });
      let state = loaded.state;
      const appended: NewEvent[] = [];
      const results: Array<{ item: Pending<State, Event>; outcome: Outcome<unknown>; lastIndex: number }> = [];
      for (const item of group) {
        let decision;
        try {
          decision = item.handler(state);
        } catch (err) {
          item.reject(err);
          continue;
        }
        if (isRejection(decision)) {
          results.push({ item, outcome: decision, lastIndex: -1 });
          continue;
        }
        decision.events.forEach((event, index) => {
          state = evolve(state, event);
          const id = decision.eventIds?.[index];
          appended.push({ ...(id === undefined ? {} : { id }), type: event.type, data: event.data, metadata: item.context });
        });
        results.push({
          item,
          outcome: { kind: 'accepted', reply: decision.reply, position: null },
          lastIndex: decision.events.length > 0 ? appended.length - 1 : -1,
        });
      }
      if (appended.length === 0) {
        for (const { item, outcome } of results) item.resolve(outcome);
        return;
      }
      const expectedRevision = (loaded.revision ?? -1n) + BigInt(appended.length);
      aggregates.decided?.(streamId, { state, revision: expectedRevision, sinceSnapshot: loaded.sinceSnapshot + appended.length });
      try {
        const result = await eventStore.append(streamId, appended, loaded.revision ?? NO_STREAM);
        if (result.nextRevision === expectedRevision) {
          const next: LoadedAggregate<State> = {
            state,
            revision: result.nextRevision,
            sinceSnapshot: loaded.sinceSnapshot + appended.length,
          };
          aggregates.remember(streamId, next);
        } else {
          // The store recognised the events as a retry of ones it already has: our state counted them twice.
          aggregates.forget(streamId);
        }
        // Positions of one append are consecutive on the embedded store, but only their order is guaranteed
        // elsewhere, so each command is answered with the append's final position (enough for read-your-writes).
        for (const { item, outcome, lastIndex } of results) {
          item.resolve(outcome.kind === 'accepted' && lastIndex >= 0 ? { ...outcome, position: result.position } : outcome);
        }
        return;
      } catch (err) {
        aggregates.forget(streamId);
        if (err instanceof WrongExpectedVersionError && attempt < maxAttempts) continue;
        for (const { item } of results) item.reject(err);
        return;
      }
    }
  };

  const pump = async (streamId: string): Promise<void> => {
    // Let the commands that arrive in the same turn of the event loop join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const group = queues.get(streamId);
      if (!group || group.length === 0) break;
      queues.set(streamId, []);
      try {
        await runGroup(streamId, group);
      } catch (err) {
        aggregates.forget(streamId);
        for (const item of group) item.reject(err);
      }
    }
    queues.delete(streamId);
    running.delete(streamId);
  };

  return {
    submit(streamId, handler, context) {
      return new Promise((resolve, reject) => {
        const queue = queues.get(streamId) ?? [];
        queue.push({ handler: handler as Handler<State, Event, unknown>, context, resolve: resolve as Pending<State, Event>['resolve'], reject });
        queues.set(streamId, queue);
        if (!running.has(streamId)) running.set(streamId, pump(streamId));
      });
    },
    async drain() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
};
