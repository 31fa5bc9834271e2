import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../../stores/events/port.js';
import { StreamNotFoundError } from '../../stores/events/errors.js';
import type { UserEvent } from '../../domain/users/events.js';
import { USER_EVENT_TYPES } from '../../domain/users/events.js';
import { emailKey } from '../../domain/users/rules.js';
import type { UserAccount, UserState } from '../../domain/users/state.js';
import { evolveUser, initialUserState } from '../../domain/users/state.js';
import { USER_STREAM_PREFIX, userStreamId } from '../../domain/users/streams.js';

/**
 * Every account, in memory, folded from the `user-` streams: a few thousand small records. It
 * reads the user streams up to the head once, then (when `follow` is on) follows them live, so
 * lookups cost no I/O. Changes written by another process (the operator CLI) arrive through
 * the subscription, within the event store's polling interval.
 */
export interface UserDirectory {
  /** Resolves once every user event written before the directory was created is applied. */
  ready(): Promise<void>;
  /** By name, case-insensitively. */
  get(username: string): UserAccount | undefined;
  /** Like `get`, but a miss is checked against the event store (an account registered a moment ago). */
  lookup(username: string): Promise<UserAccount | undefined>;
  /** By email, case-insensitively. */
  findByEmail(email: string): UserAccount | undefined;
  /** Every account, in registration order. */
  list(): UserAccount[];
  /** Called after an event is applied; returns the function that stops listening. */
  onChange(listener: (account: UserAccount, event: UserEvent) => void): () => void;
  close(): Promise<void>;
}

export interface UserDirectoryOptions {
  eventStore: EventStore;
  /** Keep following the user streams after the first read (default true; false for one-shot tools). */
  follow?: boolean;
  readPageSize?: number;
  /** Delay before resubscribing after the subscription failed. */
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

interface Entry {
  revision: bigint;
  /** Log position of the registration: the tie-break for accounts registered in the same millisecond. */
  registeredPosition: bigint;
  account: UserAccount;
}

const USER_TYPES = new Set<string>(USER_EVENT_TYPES);

const keyOf = (username: string): string => username.toLowerCase();

export const createUserDirectory = (options: UserDirectoryOptions): UserDirectory => {
  const { eventStore } = options;
  const follow = options.follow ?? true;
  const pageSize = options.readPageSize ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const entries = new Map<string, Entry>();
  const emails = new Map<string, string>();
  const listeners = new Set<(account: UserAccount, event: UserEvent) => void>();
  let lastPosition = 0n;
  let subscription: Subscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const store = (key: string, entry: Entry): void => {
    const previous = entries.get(key);
    if (previous && emailKey(previous.account.email) !== emailKey(entry.account.email)) emails.delete(emailKey(previous.account.email));
    entries.set(key, entry);
    emails.set(emailKey(entry.account.email), key);
  };

  /** Applies one event of the log; events already covered by a direct stream read are skipped. */
  const apply = (event: RecordedEvent): void => {
    lastPosition = event.position > lastPosition ? event.position : lastPosition;
    if (!event.streamId.startsWith(USER_STREAM_PREFIX)) return;
    const key = event.streamId.slice(USER_STREAM_PREFIX.length);
    const entry = entries.get(key);
    if (entry && event.revision <= entry.revision) return;
    if (!USER_TYPES.has(event.type)) {
      if (entry) entries.set(key, { ...entry, revision: event.revision });
      return;
    }
    const domainEvent = { type: event.type, data: event.data } as UserEvent;
    const account = evolveUser(entry?.account ?? initialUserState(), domainEvent);
    if (account === null) return;
    store(key, { revision: event.revision, registeredPosition: entry?.registeredPosition ?? event.position, account });
    for (const listener of listeners) listener(account, domainEvent);
  };

  const catchUp = async (): Promise<void> => {
    for (;;) {
      const page = await eventStore.readAll({
        fromPosition: lastPosition,
        maxCount: pageSize,
        filter: { streamPrefixes: [USER_STREAM_PREFIX] },
      });
      for (const event of page) apply(event);
      if (page.length < pageSize) return;
    }
  };

  const subscribe = (): void => {
    if (closed) return;
    subscription = eventStore
      .subscribeAll({ fromPosition: lastPosition, filter: { streamPrefixes: [USER_STREAM_PREFIX] } })
      .subscribe({
        next: apply,
        error: (error: unknown) => {
          options.onError?.(error);
          if (closed) return;
          retryTimer = setTimeout(subscribe, retryDelayMs);
          retryTimer.unref();
        },
      });
  };

  let startError: unknown;
  let started = false;
  /** A one-shot directory reports a failed first read; a following one keeps trying until it succeeds. */
  const start = async (): Promise<void> => {
    for (;;) {
      try {
        await catchUp();
        break;
      } catch (err) {
        if (!follow || closed) throw err;
        startError = err;
        options.onError?.(err);
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs).unref());
      }
    }
    started = true;
    startError = undefined;
    if (follow) subscribe();
  };
  const caughtUp = start();
  // Callers see a failed first read through `ready()` or `lookup()`; this only keeps it from being unhandled.
  caughtUp.catch(() => undefined);

  const readAccount = async (username: string): Promise<UserAccount | undefined> => {
    const key = keyOf(username);
    let events: RecordedEvent[];
    try {
      events = await eventStore.readStream(userStreamId(username));
    } catch (err) {
      if (err instanceof StreamNotFoundError) return undefined;
      throw err;
    }
    let state: UserState = initialUserState();
    let revision = -1n;
    const registeredPosition = events[0]?.position ?? 0n;
    for (const event of events) {
      if (USER_TYPES.has(event.type)) state = evolveUser(state, { type: event.type, data: event.data } as UserEvent);
      revision = event.revision;
    }
    if (state === null) return undefined;
    const current = entries.get(key);
    if (!current || current.revision < revision) store(key, { revision, registeredPosition, account: state });
    return entries.get(key)?.account;
  };

  return {
    ready: () => caughtUp,
    get: (username) => entries.get(keyOf(username))?.account,
    async lookup(username) {
      // While the store is unreachable at start-up, fail fast rather than queue callers behind the retries.
      if (!started && startError !== undefined) throw startError;
      await caughtUp;
      return entries.get(keyOf(username))?.account ?? (await readAccount(username));
    },
    findByEmail(email) {
      const key = emails.get(emailKey(email));
      return key === undefined ? undefined : entries.get(key)?.account;
    },
    list: () =>
      [...entries.values()]
        .sort((a, b) => a.account.registeredAt.localeCompare(b.account.registeredAt) || (a.registeredPosition < b.registeredPosition ? -1 : 1))
        .map((entry) => entry.account),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      await caughtUp.catch(() => undefined);
      subscription?.unsubscribe();
    },
  };
};
