import { fail, succeed, type SpsaResult } from './failure.js';
import type { SpsaAlgorithm } from './types.js';

export const CLASSIC_SPSA_ALGORITHM: SpsaAlgorithm = 'classic';

/** Only the classic algorithm exists; a missing name means classic. */
export const readSpsaAlgorithm = (name: string | undefined): SpsaResult<SpsaAlgorithm> =>
  name === undefined || name === CLASSIC_SPSA_ALGORITHM
    ? succeed(CLASSIC_SPSA_ALGORITHM)
    : fail('invalid-input', `Unknown SPSA algorithm: ${name}`);
