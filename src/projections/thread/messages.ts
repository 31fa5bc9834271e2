import type { ProjectionStatus } from '../engine.js';

/** What the projection thread needs to open the stores and run the catalogue. */
export interface ProjectionThreadData {
  /** The module that runs in the thread (TypeScript under the tsx loader, or compiled JavaScript). */
  entry: string;
  eventStoreUrl: string;
  readStoreUrl: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** SQLite event store only: the writer's durable bound (see visibleBound.ts). */
  visibleBound?: SharedArrayBuffer;
  batchDelayMs: number;
  /** Nice value the thread gives itself (0: the process's own). */
  nice: number;
  logLevel: string;
}

export type ToProjectionThread =
  /** New durable events are in the log. */
  | { type: 'news' }
  /** A reader waits for the read models to reach `position`. */
  | { type: 'hurry'; position: bigint }
  | { type: 'statuses'; id: number }
  | { type: 'stop' };

export type FromProjectionThread =
  | { type: 'ready' }
  | { type: 'statuses'; id: number; statuses: ProjectionStatus[] }
  | { type: 'statusesFailed'; id: number; message: string };
