import type { EpochMs } from '../../shared/time.js';
import type { SpsaFormInput } from '../adapters/spsa.js';

/**
 * A new-run request as the form sends it (upstream `/tests/run` field by field, values still
 * raw strings), after the caller authenticated `username`.
 */
export interface RunSubmission {
  readonly username: string;
  readonly baseTag: string;
  readonly newTag: string;
  readonly tc: string;
  /** Used only when `odds` is set; otherwise new_tc = tc. */
  readonly newTc: string;
  readonly odds: boolean;
  readonly book: string;
  readonly bookDepth: string;
  readonly baseSignature: string;
  /** Blank: taken from the last "Bench: N" line of the new branch's commit message. */
  readonly newSignature: string;
  readonly baseOptions: string;
  readonly newOptions: string;
  /** The repository URL as typed. */
  readonly testsRepo: string;
  /** Blank: taken from the new branch's commit message. */
  readonly info: string;
  readonly useArchFilter: boolean;
  readonly archFilter: string;
  readonly useCompiler: boolean;
  readonly compiler: string;
  readonly threads: string | number;
  readonly priority: string | number;
  readonly throughput: string | number;
  /** "sprt", "spsa" or anything else for a fixed number of games. */
  readonly stopRule: string;
  readonly eloModel: string;
  readonly sprtElo0: string | number;
  readonly sprtElo1: string | number;
  readonly numGames: string | number;
  readonly spsa: SpsaFormInput;
  readonly autoPurge: boolean;
  /** The form's checkbox disables adjudication. */
  readonly disableAdjudication: boolean;
  readonly rescheduledFrom?: string;
  /** A reschedule carries the SHAs and messages of the original run instead of resolving them. */
  readonly reschedule?: { readonly resolvedBase: string; readonly resolvedNew: string; readonly msgBase: string; readonly msgNew: string };
}

export interface ResolvedCommit {
  /** "" when GitHub did not find the branch. */
  readonly sha: string;
  /** First line of the commit message. */
  readonly message: string;
}

/**
 * What the caller looked up (GitHub, the user store, the network store) so that deciding stays
 * pure. Lookups that failed with an error end the request before `decide` ("Unable to access
 * developer repository …"), as upstream does.
 */
export interface SubmissionFacts {
  /** The repository URL after following GitHub's redirects (renamed users and repos). */
  readonly testsRepo: string;
  /** The root of the fork network when it is not official-stockfish/Stockfish. */
  readonly masterRepo?: string;
  readonly userRegisteredAt: EpochMs;
  /**
   * Full commit message of the new branch's head, needed when the signature or info is blank;
   * null when the branch does not exist.
   */
  readonly newTagCommitMessage?: string | null;
  /** Both branches resolved on GitHub (not used for a reschedule). */
  readonly resolvedBase?: ResolvedCommit;
  readonly resolvedNew?: ResolvedCommit;
  /** Bench of the repository's latest master commit; null when GitHub could not tell. */
  readonly masterBench?: string | null;
  readonly baseNets: readonly string[];
  readonly newNets: readonly string[];
  /** Nets named by either engine that are not in the network store. */
  readonly missingNets: readonly string[];
  /** Where missing nets must be uploaded (shown in the message). */
  readonly hostUrl: string;
}
