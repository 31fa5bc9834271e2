import type { Projection } from './projection.js';
import { streamsProjection } from './streams/streamsProjection.js';
import { readModelProjections } from './readModelsCatalog.js';

/** Every read model the application maintains. Add new projections here. */
export const projections: readonly Projection[] = [streamsProjection, ...readModelProjections];
