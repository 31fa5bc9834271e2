import type { EventStore, RecordedEvent } from '../stores/events/port.js';

/** Visits, in log order, every event of the streams whose ids start with `prefix`, a page at a time. */
export const scanStreams = async (
  eventStore: EventStore,
  prefix: string,
  visit: (event: RecordedEvent) => void,
  pageSize = 1_000,
): Promise<void> => {
  let position = 0n;
  for (;;) {
    const page = await eventStore.readAll({ fromPosition: position, maxCount: pageSize, filter: { streamPrefixes: [prefix] } });
    for (const event of page) {
      position = event.position;
      visit(event);
    }
    if (page.length < pageSize) return;
  }
};
