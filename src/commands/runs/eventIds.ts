import { createHash } from 'node:crypto';
import type { Results } from '../../domain/shared/results.js';
import { countGames } from '../../domain/shared/results.js';

// A fixed namespace for the name-based ids of this application (any 16 bytes would do, as long as they never change).
const NAMESPACE = Buffer.from('6a0c3f52d1e94b7e8a2f5c9d0b1e7a43', 'hex');

/** A UUID (version 5 layout: SHA-1 of namespace and name) that is the same every time for the same name. */
export const nameBasedUuid = (name: string): string => {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const resultsKey = (stats: Results): string =>
  [stats.wins, stats.losses, stats.draws, stats.crashes, stats.time_losses, ...stats.pentanomial].join('.');

/**
 * Ids of the events an update_task decided: a function of the run, the task and the cumulative
 * results the worker sent. A retried request decided on the same state yields the same ids, so
 * the event store recognises it instead of counting the games twice.
 */
export const updateTaskEventIds = (runId: string, taskId: number, stats: Results, count: number): string[] => {
  const base = `update_task/${runId}/${taskId}/${countGames(stats)}/${resultsKey(stats)}`;
  return Array.from({ length: count }, (_, index) => nameBasedUuid(`${base}/${index}`));
};
