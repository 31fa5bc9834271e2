import type { ProjectionStatus } from './engine.js';

/** A projection behind the log with nothing applied for longer than `stallMs`: stuck, though not failed. */
export const isStalled = (status: ProjectionStatus, stallMs: number, now: number): boolean =>
  status.behindSince !== undefined && now - Date.parse(status.behindSince) > stallMs;
