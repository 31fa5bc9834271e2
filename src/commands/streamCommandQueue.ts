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
  /** Decisions made for it so far: each one whose append the store refused counts. */
  attempts: number;
  resolve(outcome: Outcome<unknown>): void;
  reject(error: unknown): void;
}

/** Commands decided together, with what their append will carry. */
interface DecidedGroup<State, Event extends DomainEvent> {
  results: Array<{ item: Pending<State, Event>; outcome: Outcome<unknown>; lastIndex: number }>;
  events: NewEvent[];
}

/** One stream's commands, from submitted to stored. */
interface Lane<State, Event extends DomainEvent> {
  waiting: Array<Pending<State, Event>>;
  /** Commands whose decision the store refused, decided again first, on the stored state. */
  retry: Array<Pending<State, Event>>;
  /** The stored state the unsent groups were decided on (undefined: load it). */
  base?: LoadedAggregate<State>;
  /** The state after every decided group: the next group is decided on it. */
  tentative?: LoadedAggregate<State>;
  /** Decided, waiting for the append in flight to end. */
  unsent: Array<DecidedGroup<State, Event>>;
  appending: boolean;
  /** The next base comes from the store, not the cache (another writer moved the stream). */
  fresh: boolean;
  wake?: () => void;
}

/**
 * Commands are decided in submission order, each on the state every command before it left, as
 * soon as they reach the head of the queue, even while an earlier append is on its way to the store:
 * their decisions are known at once (see `AggregateStore.decided`). A stream has one append in
 * flight at a time, naming the stored revision it was decided on; everything decided meanwhile goes
 * in the next one. When the store refuses an append, what was decided on top of it is decided again,
 * in order, on the stored state.
 */
export const createStreamCommandQueue = <State, Event extends DomainEvent>(
  options: StreamCommandQueueOptions<State, Event>,
): StreamCommandQueue<State, Event> => {
  const { eventStore, aggregates, evolve } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const lanes = new Map<string, Lane<State, Event>>();
  const running = new Map<string, Promise<void>>();

  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const signal = (lane: Lane<State, Event>): Promise<void> => new Promise((resolve) => (lane.wake = resolve));
  const wake = (lane: Lane<State, Event>): void => {
    const resume = lane.wake;
    lane.wake = undefined;
    resume?.();
  };

  const membersOf = (groups: ReadonlyArray<DecidedGroup<State, Event>>) => groups.flatMap((group) => group.results.map(({ item }) => item));

  /** Starts over from the store: what was decided on a state it does not hold is decided again. */
  const discardDecisions = (streamId: string, lane: Lane<State, Event>): void => {
    lane.base = undefined;
    lane.tentative = undefined;
    lane.fresh = true;
    aggregates.forget(streamId);
  };

  /** Sends every decided group in one append, when none is in flight. */
  const flush = (streamId: string, lane: Lane<State, Event>): void => {
    const base = lane.base;
    const decided = lane.tentative;
    if (lane.appending || lane.unsent.length === 0 || base === undefined || decided === undefined) return;
    const groups = lane.unsent;
    lane.unsent = [];
    const events = groups.flatMap((group) => group.events);
    const answer = (position: bigint | null): void => {
      for (const group of groups) {
        for (const { item, outcome, lastIndex } of group.results) {
          item.resolve(outcome.kind === 'accepted' && lastIndex >= 0 && position !== null ? { ...outcome, position } : outcome);
        }
      }
    };
    if (events.length === 0) {
      // Nothing to store: the decisions stand on the stored state.
      answer(null);
      return;
    }
    lane.appending = true;
    let append: Promise<{ nextRevision: bigint; position: bigint }>;
    try {
      append = eventStore.append(streamId, events, base.revision ?? NO_STREAM);
    } catch (err) {
      append = Promise.reject(err);
    }
    append.then(
      (result) => {
        lane.appending = false;
        if (result.nextRevision === decided.revision) {
          aggregates.remember(streamId, decided);
          // The state the next groups were decided on is now the stored one.
          lane.base = decided;
        } else {
          // The store recognised the events as a retry of ones it already has: our state counted
          // them twice, and so did everything decided on top of it.
          const later = membersOf(lane.unsent);
          lane.unsent = [];
          discardDecisions(streamId, lane);
          lane.retry.push(...later);
        }
        // Positions of one append are consecutive on the embedded store, but only their order is guaranteed
        // elsewhere, so each command is answered with the append's final position (enough for read-your-writes).
        answer(result.position);
        flush(streamId, lane);
        wake(lane);
      },
      (err: unknown) => {
        lane.appending = false;
        const later = membersOf(lane.unsent);
        lane.unsent = [];
        discardDecisions(streamId, lane);
        const again = err instanceof WrongExpectedVersionError;
        for (const item of membersOf(groups)) {
          if (again && item.attempts < maxAttempts) lane.retry.push(item);
          else item.reject(err);
        }
        lane.retry.push(...later);
        wake(lane);
      },
    );
  };

  /** Decides one group on the lane's latest state and queues it for the next append. */
  const decideGroup = async (streamId: string, lane: Lane<State, Event>, group: Array<Pending<State, Event>>): Promise<void> => {
    if (lane.tentative === undefined || lane.base === undefined) {
      const loaded = await aggregates.load(streamId, { fresh: lane.fresh });
      lane.fresh = false;
      lane.base = loaded;
      lane.tentative = loaded;
    }
    const before = lane.tentative;
    let state = before.state;
    const decided: DecidedGroup<State, Event> = { results: [], events: [] };
    for (const item of group) {
      item.attempts += 1;
      let decision;
      try {
        decision = item.handler(state);
      } catch (err) {
        item.reject(err);
        continue;
      }
      if (isRejection(decision)) {
        decided.results.push({ item, outcome: decision, lastIndex: -1 });
        continue;
      }
      decision.events.forEach((event, index) => {
        state = evolve(state, event);
        const id = decision.eventIds?.[index];
        decided.events.push({ ...(id === undefined ? {} : { id }), type: event.type, data: event.data, metadata: item.context });
      });
      decided.results.push({
        item,
        outcome: { kind: 'accepted', reply: decision.reply, position: null },
        lastIndex: decision.events.length > 0 ? decided.events.length - 1 : -1,
      });
    }
    lane.unsent.push(decided);
    if (decided.events.length > 0) {
      const after: LoadedAggregate<State> = {
        state,
        revision: (before.revision ?? -1n) + BigInt(decided.events.length),
        sinceSnapshot: before.sinceSnapshot + decided.events.length,
      };
      lane.tentative = after;
      aggregates.decided?.(streamId, after);
    }
    flush(streamId, lane);
  };

  const pump = async (streamId: string, lane: Lane<State, Event>): Promise<void> => {
    // Let the commands that arrive in the same turn of the event loop join the first group.
    await nextTurn();
    for (;;) {
      if (lane.retry.length > 0 && lane.appending) {
        // Refused decisions are made again on what the store holds once nothing is in flight.
        await signal(lane);
        continue;
      }
      if (lane.retry.length === 0 && lane.waiting.length === 0) {
        if (!lane.appending && lane.unsent.length === 0) break;
        await signal(lane);
        if (lane.waiting.length > 0) await nextTurn();
        continue;
      }
      const group = [...lane.retry, ...lane.waiting];
      lane.retry = [];
      lane.waiting = [];
      try {
        await decideGroup(streamId, lane, group);
      } catch (err) {
        // Loading the state failed: nothing of this group was decided.
        discardDecisions(streamId, lane);
        for (const item of group) item.reject(err);
      }
    }
    lanes.delete(streamId);
    running.delete(streamId);
  };

  return {
    submit(streamId, handler, context) {
      return new Promise((resolve, reject) => {
        let lane = lanes.get(streamId);
        if (lane === undefined) {
          lane = { waiting: [], retry: [], unsent: [], appending: false, fresh: false };
          lanes.set(streamId, lane);
        }
        lane.waiting.push({ handler: handler as Handler<State, Event, unknown>, context, attempts: 0, resolve: resolve as Pending<State, Event>['resolve'], reject });
        if (!running.has(streamId)) running.set(streamId, pump(streamId, lane));
        else wake(lane);
      });
    },
    async drain() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
};
