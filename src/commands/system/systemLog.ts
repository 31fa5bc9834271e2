import { randomUUID } from 'node:crypto';
import type { EventContext, EventStore } from '../../stores/events/port.js';
import { SYSTEM_STREAM, SYSTEM_USERNAME, type SystemEvent } from '../../domain/system/events.js';

/**
 * Appends the server's own events to the `system` stream. A failure to record one is reported
 * and never reaches the caller: it happens beside a request or a shutdown, which must go on.
 */
export interface SystemLog {
  started(instance: string): Promise<void>;
  stopped(instance: string): Promise<void>;
  /**
   * A diagnostic for the audit log. The same message is recorded at most once per
   * `diagnosticWindowMs`: a run's broken arch filter is met on every request_task, and the log
   * keeps every event for good.
   */
  diagnostic(message: string): Promise<void>;
}

export interface SystemLogOptions {
  eventStore: EventStore;
  diagnosticWindowMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

const context = (): EventContext => ({ actor: SYSTEM_USERNAME, correlationId: randomUUID() });

export const createSystemLog = (options: SystemLogOptions): SystemLog => {
  const windowMs = options.diagnosticWindowMs ?? 60_000;
  const now = options.now ?? Date.now;
  /** When each recent message was last recorded; entries older than the window are dropped. */
  const recent = new Map<string, number>();

  const append = async (event: SystemEvent): Promise<void> => {
    try {
      await options.eventStore.append(SYSTEM_STREAM, [{ type: event.type, data: event.data, metadata: context() }], 'any');
    } catch (error) {
      options.onError?.(error);
    }
  };

  const seenRecently = (message: string): boolean => {
    const at = now();
    for (const [known, recordedAt] of recent) {
      if (at - recordedAt < windowMs) break;
      recent.delete(known);
    }
    if (recent.has(message)) return true;
    recent.set(message, at);
    return false;
  };

  return {
    started: (instance) => append({ type: 'ServerStarted', data: { instance } }),
    stopped: (instance) => append({ type: 'ServerStopped', data: { instance } }),
    diagnostic: async (message) => {
      if (seenRecently(message)) return;
      await append({ type: 'DiagnosticLogged', data: { message } });
    },
  };
};
