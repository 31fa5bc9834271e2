import type { EpochMs } from '../../domain/shared/time.js';

/** The current time; injected so that tests and the periodic jobs can move it. */
export type Clock = () => EpochMs;

export const systemClock: Clock = () => Date.now();
