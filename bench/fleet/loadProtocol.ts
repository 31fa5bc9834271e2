import type { CadenceSettings, FleetProgress, FleetResults } from './cadenceFleet.js';
import type { SaturationResults, SaturationSettings } from './saturationLoad.js';

/** Orchestrator → load process. */
export type LoadCommand =
  | { type: 'saturate'; settings: SaturationSettings }
  /** Start the clock of a saturation measurement whose warm-up is done. */
  | { type: 'go' }
  | { type: 'fleet-start'; settings: CadenceSettings }
  | { type: 'join'; first: number; count: number; withinMs: number; cohort: string; warm: boolean }
  | { type: 'phase'; name: string }
  | { type: 'fleet-stop' }
  | { type: 'exit' };

/** Load process → orchestrator. */
export type LoadMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: FleetProgress }
  | { type: 'fleet-done'; results: FleetResults }
  | { type: 'saturation-warmed' }
  | { type: 'saturation-done'; results: SaturationResults }
  | { type: 'failed'; message: string };
