import { describe, expect, it } from 'vitest';
import { createSystemLog } from '../../../src/commands/system/systemLog.js';
import { SYSTEM_STREAM } from '../../../src/domain/system/events.js';
import { EventStoreUnavailableError } from '../../../src/stores/events/errors.js';
import type { EventStore } from '../../../src/stores/events/port.js';
import { sqliteEventStoresPerTest } from '../../support/sqliteEventStores.js';

describe('system log', () => {
  const open = sqliteEventStoresPerTest('fishtest-es-systemlog-');

  it('appends starts, stops and diagnostics to the system stream, as the system account', async () => {
    const eventStore = open({ synchronous: 'NORMAL' });
    const log = createSystemLog({ eventStore });
    await log.started('6543');
    await log.diagnostic('arch filter failed');
    await log.stopped('6543');
    const events = await eventStore.readStream(SYSTEM_STREAM);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['ServerStarted', { instance: '6543' }],
      ['DiagnosticLogged', { message: 'arch filter failed' }],
      ['ServerStopped', { instance: '6543' }],
    ]);
    expect(events.every((event) => event.metadata.actor === 'fishtest.system')).toBe(true);
  });

  it('records the same diagnostic once per window, and again after it', async () => {
    const eventStore = open({ synchronous: 'NORMAL' });
    let now = 1_000_000;
    const log = createSystemLog({ eventStore, diagnosticWindowMs: 60_000, now: () => now });
    await log.diagnostic('a');
    await log.diagnostic('a');
    await log.diagnostic('b');
    now += 59_999;
    await log.diagnostic('a');
    now += 1;
    await log.diagnostic('a');
    await log.diagnostic('b');
    const messages = (await eventStore.readStream(SYSTEM_STREAM)).map((event) => (event.data as { message: string }).message);
    expect(messages).toEqual(['a', 'b', 'a', 'b']);
  });

  it('reports a failed append instead of throwing', async () => {
    const failing = { append: () => Promise.reject(new EventStoreUnavailableError('closed')) } as unknown as EventStore;
    const errors: unknown[] = [];
    const log = createSystemLog({ eventStore: failing, onError: (error) => errors.push(error) });
    await expect(log.started('1')).resolves.toBeUndefined();
    await expect(log.diagnostic('x')).resolves.toBeUndefined();
    expect(errors).toHaveLength(2);
  });
});
