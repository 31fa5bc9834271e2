import path from 'node:path';
import { Observable } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import type { EventStore, RecordedEvent } from '../../../src/stores/events/port.js';
import { EventStoreUnavailableError } from '../../../src/stores/events/errors.js';
import { createUserDirectory } from '../../../src/commands/users/userDirectory.js';
import type { UserEvent } from '../../../src/domain/users/events.js';
import { makeTempDir } from '../../support/tempDir.js';

const context = { actor: 'ops', correlationId: 'c' };
const registered = (username: string): UserEvent => ({
  type: 'UserRegistered',
  data: { username, email: `${username}@example.org`, passwordHash: 'scrypt$x', at: '2026-01-01T00:00:00.000Z' },
});

const waitFor = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('user directory', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: EventStore;

  beforeEach(() => {
    temp = makeTempDir();
    store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite'), pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  const append = (username: string, events: UserEvent[], expected: 'no_stream' | 'any' = 'any') =>
    store.append(`user-${username.toLowerCase()}`, events.map((event) => ({ ...event, metadata: context })), expected);

  it('ignores streams and event types that are not accounts', async () => {
    await store.append('run-1', [{ type: 'RunCreated', data: {}, metadata: context }], 'no_stream');
    await append('ann', [registered('ann'), { type: 'SomethingElse', data: {} } as unknown as UserEvent]);
    const directory = createUserDirectory({ eventStore: store, follow: false });
    await directory.ready();
    expect(directory.list().map((account) => account.username)).toEqual(['ann']);
    await append('ann', [{ type: 'UserBlocked', data: { username: 'ann', by: 'ops', at: '2026-01-02T00:00:00.000Z' } }]);
    await directory.close();
    const again = createUserDirectory({ eventStore: store, follow: false });
    await again.ready();
    expect(again.get('ann')?.blocked).toBe(true);
    await again.close();
  });

  it('finds an account registered after its last read through lookup, and follows later events', async () => {
    const directory = createUserDirectory({ eventStore: store, follow: false });
    await directory.ready();
    await append('Late', [registered('Late')]);
    expect(directory.get('late')).toBeUndefined();
    expect((await directory.lookup('LATE'))?.username).toBe('Late');
    expect(await directory.lookup('never')).toBeUndefined();
    await directory.close();
  });

  it('notifies listeners of each applied event', async () => {
    const directory = createUserDirectory({ eventStore: store });
    await directory.ready();
    const seen: string[] = [];
    const stop = directory.onChange((account, event) => seen.push(`${account.username}:${event.type}`));
    await append('bea', [registered('bea'), { type: 'UserBlocked', data: { username: 'bea', by: 'ops', at: '2026-01-02T00:00:00.000Z' } }]);
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['bea:UserRegistered', 'bea:UserBlocked']);
    expect(directory.get('bea')?.blocked).toBe(true);
    stop();
    await directory.close();
  });

  it('resubscribes after its subscription fails, without losing or repeating events', async () => {
    let failures = 0;
    const flaky: EventStore = {
      ...store,
      readAll: (options) => store.readAll(options),
      readStream: (stream, options) => store.readStream(stream, options),
      subscribeAll(options) {
        if (failures === 0) {
          failures += 1;
          return new Observable<RecordedEvent>((subscriber) => subscriber.error(new EventStoreUnavailableError('connection lost')));
        }
        return store.subscribeAll(options);
      },
    };
    const errors: unknown[] = [];
    const directory = createUserDirectory({ eventStore: flaky, retryDelayMs: 10, onError: (error) => errors.push(error) });
    await directory.ready();
    await append('cid', [registered('cid')]);
    await waitFor(() => directory.get('cid') !== undefined);
    expect(errors).toHaveLength(1);
    await append('cid', [{ type: 'UserAccepted', data: { username: 'cid', by: 'ops', at: '2026-01-02T00:00:00.000Z' } }]);
    await waitFor(() => directory.get('cid')?.pending === false);
    await directory.close();
  });

  it('keeps retrying its first read when following, and fails lookups fast meanwhile', async () => {
    let down = true;
    const outage: EventStore = {
      ...store,
      readAll: (options) => (down ? Promise.reject(new EventStoreUnavailableError('down')) : store.readAll(options)),
      readStream: (stream, options) => store.readStream(stream, options),
      subscribeAll: (options) => store.subscribeAll(options),
    };
    await append('dot', [registered('dot')]);
    const errors: unknown[] = [];
    const directory = createUserDirectory({ eventStore: outage, retryDelayMs: 10, onError: (error) => errors.push(error) });
    await waitFor(() => errors.length > 0);
    await expect(directory.lookup('dot')).rejects.toThrow('down');
    down = false;
    await directory.ready();
    expect((await directory.lookup('dot'))?.username).toBe('dot');
    await directory.close();
  });

  it('reports a failed first read at once when not following', async () => {
    const broken: EventStore = { ...store, readAll: () => Promise.reject(new EventStoreUnavailableError('down')) };
    const directory = createUserDirectory({ eventStore: broken, follow: false });
    await expect(directory.ready()).rejects.toThrow('down');
    await directory.close();
  });
});
