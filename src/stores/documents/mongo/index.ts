export { createMongoReadStore } from './mongoReadStore.js';
export type { MongoReadStoreOptions } from './mongoReadStore.js';
