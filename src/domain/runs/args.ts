import type { Compiler } from '../shared/constants.js';
import type { RunChanges } from './events.js';

/**
 * The SPRT block of a run (`run.args.sprt`), wire names. `llr`/`state`/`overshoot` evolve with
 * every accepted update; the rest is fixed at creation.
 */
export interface SprtOvershoot {
  readonly last_update: number;
  readonly skipped_updates: number;
  readonly ref0: number;
  readonly m0: number;
  readonly sq0: number;
  readonly ref1: number;
  readonly m1: number;
  readonly sq1: number;
}

export type SprtDecision = '' | 'accepted' | 'rejected';
export type EloModel = 'BayesElo' | 'logistic' | 'normalized';

export interface SprtState {
  readonly alpha: number;
  readonly beta: number;
  readonly elo0: number;
  readonly elo1: number;
  readonly elo_model: EloModel;
  readonly state: SprtDecision;
  readonly llr: number;
  /** Game pairs per batch (samples of the pentanomial). */
  readonly batch_size: number;
  readonly lower_bound: number;
  readonly upper_bound: number;
  readonly overshoot?: SprtOvershoot;
  readonly lost_samples?: number;
  readonly illegal_update?: number;
}

export type { SpsaHistorySample, SpsaParam, SpsaState } from '../spsa/index.js';
import type { SpsaState } from '../spsa/index.js';

/**
 * Everything that defines a run (`run.args`), in upstream's names because the worker receives
 * this object verbatim in request_task.
 */
export interface RunArgs {
  readonly base_tag: string;
  readonly new_tag: string;
  readonly base_nets: readonly string[];
  readonly new_nets: readonly string[];
  readonly num_games: number;
  readonly tc: string;
  readonly new_tc: string;
  readonly book: string;
  readonly book_depth: string;
  readonly threads: number;
  readonly resolved_base: string;
  readonly resolved_new: string;
  readonly msg_base: string;
  readonly msg_new: string;
  readonly base_options: string;
  readonly new_options: string;
  readonly info: string;
  readonly base_signature: string;
  readonly new_signature: string;
  readonly username: string;
  readonly tests_repo: string;
  readonly master_repo?: string;
  readonly auto_purge: boolean;
  readonly throughput: number;
  /** Internal throughput: 100 at creation; the scheduler recomputes it (see scheduling/itp). */
  readonly itp: number;
  readonly priority: number;
  readonly adjudication: boolean;
  readonly arch_filter?: string;
  readonly compiler?: Compiler;
  readonly sprt?: SprtState;
  readonly spsa?: SpsaState;
}

/** The run's arguments after a `RunModified`: each changed field takes its new value. */
export const withRunChanges = (args: RunArgs, changes: RunChanges): RunArgs => ({
  ...args,
  ...(changes.num_games ? { num_games: changes.num_games.to } : {}),
  ...(changes.priority ? { priority: changes.priority.to } : {}),
  ...(changes.throughput ? { throughput: changes.throughput.to } : {}),
  ...(changes.auto_purge ? { auto_purge: changes.auto_purge.to } : {}),
  ...(changes.info ? { info: changes.info.to } : {}),
});
