import type { NewEvent, RecordedEvent } from '../../../../src/stores/events/port.js';
import type { RunEvent } from '../../../../src/domain/runs/events.js';
import { runStreamName } from '../../../../src/domain/runs/events.js';

export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

/** The stream a domain event belongs to (runs by runId, users by name, networks by name). */
export const streamOf = (event: DomainEvent): string => {
  const data = event.data as { runId?: string; username?: string; name?: string };
  if (typeof data.runId === 'string') return runStreamName(data.runId);
  if (typeof data.username === 'string' && event.type.startsWith('User')) return `user-${data.username.toLowerCase()}`;
  if (typeof data.name === 'string') return `nn-${data.name}`;
  throw new Error(`no stream for ${event.type}`);
};

/**
 * Events as the store would record them: consecutive positions from 1, revisions per stream,
 * and a server time one millisecond after the event's `at` (or after the previous event).
 */
export const recordAll = (events: readonly DomainEvent[], firstPosition = 1n): RecordedEvent[] => {
  const revisions = new Map<string, bigint>();
  let lastTime = Date.UTC(2026, 0, 1);
  return events.map((event, index) => {
    const streamId = streamOf(event);
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    const at = (event.data as { at?: string }).at;
    lastTime = at === undefined ? lastTime + 1 : Date.parse(at) + 1;
    return {
      id: `00000000-0000-4000-8000-${(index + 1).toString().padStart(12, '0')}`,
      streamId,
      revision,
      position: firstPosition + BigInt(index),
      type: event.type,
      data: event.data,
      metadata: { actor: 'test', correlationId: `c-${index}`, serverTime: new Date(lastTime).toISOString() },
    };
  });
};

export const toNewEvent = (event: DomainEvent): NewEvent => ({
  type: event.type,
  data: event.data,
  metadata: { actor: 'test', correlationId: 'test' },
});

export type { RunEvent };
