import type { Projection } from './projection.js';
import { streamsProjection } from './streams/streamsProjection.js';

/** Every read model the application maintains. Add new projections here. */
export const projections: readonly Projection[] = [streamsProjection];
