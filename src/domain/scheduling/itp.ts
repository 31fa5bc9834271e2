import { estimateGameDuration, tcRatio } from '../shared/time-control.js';
import type { Run } from '../runs/state.js';

/**
 * Internal throughput (upstream `calc_itp`, refreshed every 60 s): the share of cores a run
 * aims at. The user's throughput (clamped to 1…500) grows with the time control as
 * tc_ratio^0.774, shrinks when the owner has many active runs (36/(36 + n²)), and gets a
 * latency bonus of up to +100% at 200k games, plus 0.1 (0.2 for gainer bounds) once LLR > 2.
 */
export const calcItp = (run: Pick<Run, 'args' | 'results'>, ownerActiveRuns: number): number => {
  let itp = Math.max(Math.min(run.args.throughput, 500), 1);
  const ratio = tcRatio(run.args.tc, run.args.threads);
  if (ratio > 1) itp *= ratio ** 0.774;
  itp *= 36 / (36 + ownerActiveRuns * ownerActiveRuns);
  const played = run.results.wins + run.results.losses + run.results.draws;
  let bonus = Math.min(played / 200_000, 1);
  const sprt = run.args.sprt;
  if (sprt !== undefined && sprt.llr > 2.0) bonus += 0.1 + 0.1 * (sprt.elo0 > 0 ? 1 : 0);
  return itp * (1 + bonus);
};

/** Owner → number of their unfinished runs that have workers (the `count` of calc_itp). */
export const activeRunsByOwner = (runs: Iterable<Pick<Run, 'args' | 'workers'>>): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const run of runs) {
    if (run.workers > 0) counts.set(run.args.username, (counts.get(run.args.username) ?? 0) + 1);
  }
  return counts;
};

/** The itp of every run, as the periodic job would compute it now. */
export const itpOfRuns = (runs: readonly Run[]): Map<string, number> => {
  const owners = activeRunsByOwner(runs);
  return new Map(runs.map((run) => [run.runId, calcItp(run, owners.get(run.args.username) ?? 0)]));
};

/** Reference speed of one core (nps) that time controls are scaled to. */
const REFERENCE_NPS = 628_000;

/** Upstream `update_nps_gpm`: Σ cores·nps and the games per minute the active tasks produce. */
export const runSpeed = (run: Run): { nps: number; gamesPerMinute: number } => {
  let nps = 0;
  let gamesPerMinute = 0;
  // Once per run, not per task: parsing the time control costs more than the rest of the loop.
  const gamesPerMinuteAtReference = 60 / estimateGameDuration(run.args.tc);
  for (const taskId of run.activeTaskIds) {
    const info = run.tasks.get(taskId)?.workerInfo;
    if (info === undefined) continue;
    nps += info.concurrency * info.nps;
    if (info.nps !== 0) {
      gamesPerMinute += (info.nps / REFERENCE_NPS) * gamesPerMinuteAtReference * Math.floor(info.concurrency / run.args.threads);
    }
  }
  return { nps, gamesPerMinute };
};
