export { createKurrentEventStore } from './kurrentEventStore.js';
export type { KurrentEventStoreOptions } from './kurrentEventStore.js';
export type { ResubscribeSettings } from './subscribeAll.js';
