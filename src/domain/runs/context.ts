import type { ArchMatcher } from '../scheduling/arch-filter.js';
import type { EpochMs } from '../shared/time.js';

/** What a decision may depend on besides the command and the state. */
export interface RunContext {
  readonly now: EpochMs;
  /** Uniform in [0, 1); needed only to draw SPSA flips. */
  readonly random?: () => number;
  /** Needed only to validate a new run's arch filter. */
  readonly matchArch?: ArchMatcher;
}
