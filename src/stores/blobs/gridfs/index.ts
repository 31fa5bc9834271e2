export { createGridFsBlobStore } from './gridFsBlobStore.js';
export type { GridFsBlobStoreOptions } from './gridFsBlobStore.js';
