import { describe, it } from 'vitest';
import { createKurrentEventStore } from '../../../src/stores/events/kurrent/index.js';
import { describeEventStoreContract } from '../../contracts/eventStoreContract.js';

// Opt-in: the same contract against a real KurrentDB/EventStoreDB, e.g.
// EVENTSTORE_TEST_URL='kurrentdb://127.0.0.1:2113?tls=false'. Streams are unique per test,
// so a shared or long-lived server is fine.
const url = process.env.EVENTSTORE_TEST_URL;

if (url) {
  describeEventStoreContract(`kurrentdb (real server at ${url.replace(/\/\/[^@/]*@/, '//')})`, async () => {
    const store = createKurrentEventStore({ connectionString: url });
    return { store, cleanup: () => store.close() };
  });
} else {
  describe('EventStore contract: kurrentdb (real server)', () => {
    it.skip('skipped: set EVENTSTORE_TEST_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false) to run it', () => undefined);
  });
}
