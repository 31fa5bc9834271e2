/**
 * SPSA state and wire shapes. Field names follow the stored run document and the worker API
 * (`run.args.spsa`, `w_params`, `b_params`), so projections and routes pass them through as is.
 */

export type SpsaAlgorithm = 'classic';

/** One tuned parameter: the form line plus the derived gains and the current estimate. */
export interface SpsaParam {
  readonly name: string;
  readonly start: number;
  readonly min: number;
  readonly max: number;
  /** Perturbation size at the last iteration (> 0). */
  readonly c_end: number;
  /** Learning rate at the last iteration, relative to c_end² (>= 0). */
  readonly r_end: number;
  /** c_end · num_iter^γ: the perturbation numerator, c_k = c / k^γ. */
  readonly c: number;
  /** r_end · c_end². */
  readonly a_end: number;
  /** a_end · (A + num_iter)^α: the gain numerator, a_k = a / (A + k)^α. */
  readonly a: number;
  /** Current estimate. */
  readonly theta: number;
}

/** One parameter of a history sample, recorded after an update. */
export interface SpsaHistoryEntry {
  readonly theta: number;
  readonly R: number;
  readonly c: number;
}

export type SpsaHistorySample = readonly SpsaHistoryEntry[];

export interface SpsaState {
  readonly algorithm: SpsaAlgorithm;
  /** Stability constant, an integer number of iterations (the form's A ratio · num_games / 2). */
  readonly A: number;
  readonly alpha: number;
  readonly gamma: number;
  /** The parameter text exactly as submitted. */
  readonly raw_params: string;
  /** Iterations done so far, counted in game pairs. */
  readonly iter: number;
  readonly num_iter: number;
  readonly params: readonly SpsaParam[];
  /** Absent until the first update of a run whose history period is positive. */
  readonly param_history?: readonly SpsaHistorySample[];
}

export type SpsaFlip = 1 | -1;

/** What a task remembers about the step it was given, to replay it when results arrive. */
export interface SpsaTaskParams {
  readonly iter: number;
  readonly packed_flips: Uint8Array;
}

/** Step size and gain of one parameter at one iteration. */
export interface SpsaStepSize {
  readonly c: number;
  readonly R: number;
}

/** White engine's value for one parameter, with the step that produced it. */
export interface SpsaWhiteParam extends SpsaStepSize {
  readonly name: string;
  readonly value: number;
  readonly flip: SpsaFlip;
}

/** Black engine's value for one parameter. */
export interface SpsaBlackParam {
  readonly name: string;
  readonly value: number;
}

/** The `request_spsa` payload without its envelope fields. */
export interface SpsaWorkerData {
  readonly w_params: readonly SpsaWhiteParam[];
  readonly b_params: readonly SpsaBlackParam[];
}

/** The `spsa` block of an `update_task` request: the results of one batch. */
export interface SpsaBatchResults {
  readonly wins: number;
  readonly losses: number;
  readonly draws: number;
  readonly num_games: number;
  readonly sig?: number;
}
