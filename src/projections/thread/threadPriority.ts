import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread only. On Linux every thread has a nice
 * value of its own, and `/proc/thread-self` names the caller's thread id. Returns that id, or
 * undefined when there is nothing to do (nice 0, or a platform without per-thread priorities).
 * Throws when the system refuses.
 */
export const lowerThreadPriority = (nice: number): number | undefined => {
  if (nice === 0 || process.platform !== 'linux') return undefined;
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (!Number.isInteger(threadId) || threadId <= 0) throw new Error('cannot tell this thread’s id from /proc/thread-self');
  setPriority(threadId, nice);
  return threadId;
};
