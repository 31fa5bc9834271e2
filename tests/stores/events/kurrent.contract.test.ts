import { afterAll, beforeAll } from 'vitest';
import { createKurrentEventStore } from '../../../src/stores/events/kurrent/index.js';
import { describeEventStoreContract } from '../../contracts/eventStoreContract.js';
import { startKurrentFake } from '../../support/kurrentFake/index.js';
import type { KurrentFake } from '../../support/kurrentFake/index.js';

// One fake for the whole file: every contract case uses its own stream names.
let fake: KurrentFake;

beforeAll(async () => {
  fake = await startKurrentFake();
});

afterAll(async () => {
  await fake.stop();
});

describeEventStoreContract('kurrentdb (protocol fake)', async () => {
  const store = createKurrentEventStore({ connectionString: fake.url });
  return { store, cleanup: () => store.close() };
});
