// Entry of the projection thread. A worker thread does not inherit the TypeScript loader of the
// main thread, so it registers its own before importing the real entry.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
