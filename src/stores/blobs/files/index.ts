export { createFileBlobStore } from './fileBlobStore.js';
export type { FileBlobStoreOptions } from './fileBlobStore.js';
export { fileBlobLayout } from './layout.js';
export type { FileBlobLayout } from './layout.js';
