import { randomBytes } from 'node:crypto';
import type { EpochMs } from '../../domain/shared/time.js';

/** Run ids look like MongoDB ObjectIds (24 lowercase hex digits): the worker and upstream's tools check that. */
const RUN_ID = /^[0-9a-f]{24}$/;

export const isRunId = (value: string): boolean => RUN_ID.test(value);

// Like an ObjectId: seconds since the epoch, a per-process random part, then a counter, so ids
// made by several processes never collide and sort roughly by creation time.
const processPart = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export const newRunId = (now: EpochMs = Date.now()): string => {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now / 1000) >>> 0;
  return `${seconds.toString(16).padStart(8, '0')}${processPart}${counter.toString(16).padStart(6, '0')}`;
};
