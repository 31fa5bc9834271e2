import { LIMITS } from '../shared/constants.js';
import { timedeltaSecondsField, type EpochMs } from '../shared/time.js';
import { shortWorkerName, workerName, type WorkerInfo } from '../shared/worker-info.js';
import { spsaAcceptsMoreCores } from '../runs/adapters/spsa.js';
import type { AssignTask } from '../runs/commands.js';
import { workerMessages } from '../runs/messages.js';
import { remainingGames, type Run } from '../runs/state.js';
import { defaultArchMatcher, type ArchMatcher } from './arch-filter.js';
import { blockedWorkerMessage } from './blocked-worker-message.js';
import type { ActiveTaskRef, FleetView } from './fleet.js';
import { itpOfRuns } from './itp.js';
import { memoryNeeded } from './memory.js';

export interface TaskRequest {
  /** The worker's info as validated, with `remote_addr` and `country_code` added. */
  readonly worker: WorkerInfo;
  readonly now: EpochMs;
  /** The unfinished runs. */
  readonly runs: readonly Run[];
  readonly fleet: FleetView;
  /** The worker's block record when it is blocked. */
  readonly blocked?: { readonly message: string };
  /** The user's per-IP machine limit (default 16). */
  readonly machineLimit: number;
  /** Base URL shown in the blocked-worker banner. */
  readonly hostUrl: string;
  /**
   * Internal throughput of a run. Upstream refreshes it every 60 s; by default it is computed
   * from the runs given, which costs one pass over them.
   */
  readonly itpOf?: (run: Run) => number;
  readonly matchArch?: ArchMatcher;
}

export type TaskRequestOutcome =
  | { readonly kind: 'refused'; readonly reason: 'blocked' | 'duplicate-worker' | 'machine-limit'; readonly error: string }
  | { readonly kind: 'no-run'; readonly diagnostics: readonly string[] }
  | {
      readonly kind: 'assign';
      readonly runId: string;
      readonly command: AssignTask;
      /** The worker name's previous active task, to fail with "Stale active task". */
      readonly staleTask?: Pick<ActiveTaskRef, 'runId' | 'taskId'>;
      /** Problems to log (arch filters that could not be evaluated). */
      readonly diagnostics: readonly string[];
    };

type SortKey = readonly [number, number, number];

const liveItp = (runs: readonly Run[]): ((run: Run) => number) => {
  const itps = itpOfRuns(runs);
  return (run) => itps.get(run.runId) ?? run.args.itp;
};

const compareKeys = (a: SortKey, b: SortKey): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

interface Candidate {
  readonly run: Run;
  readonly key: SortKey;
}

/** Removes and returns the candidate with the smallest key, the earliest of equal ones. */
const takeSmallest = (candidates: Candidate[]): Candidate => {
  let best = 0;
  for (let index = 1; index < candidates.length; index++) {
    if (compareKeys(candidates[index]!.key, candidates[best]!.key) < 0) best = index;
  }
  return candidates.splice(best, 1)[0]!;
};

/**
 * Upstream `sync_request_task` as a pure decision over the fleet: refuse blocked workers, a
 * second live worker under the same name, and IPs at their machine limit; then walk the
 * unfinished runs by priority, then "no cores yet", then cores per unit of internal
 * throughput, and pick the first run this worker can play.
 */
export const requestTask = (request: TaskRequest): TaskRequestOutcome => {
  const { worker, fleet, now } = request;
  const shortName = shortWorkerName(worker);
  if (request.blocked !== undefined) {
    return { kind: 'refused', reason: 'blocked', error: blockedWorkerMessage(shortName, request.blocked.message, request.hostUrl) };
  }

  const held = fleet.activeTaskOf(shortName);
  if (held !== undefined && held.uniqueKey !== worker.unique_key) {
    const secondsAgo = timedeltaSecondsField(held.lastSeen, now);
    if (secondsAgo <= LIMITS.duplicateWorkerWindowSeconds) {
      return {
        kind: 'refused',
        reason: 'duplicate-worker',
        error: workerMessages.duplicateWorker(held.workerName, secondsAgo, held.runId, held.taskId, workerName(worker)),
      };
    }
  }

  if (fleet.connectionsFrom(worker.remote_addr) >= request.machineLimit) {
    return { kind: 'refused', reason: 'machine-limit', error: workerMessages.machineLimit(worker.username) };
  }

  const maxThreads = worker.concurrency;
  const minThreads = worker.min_threads;
  const history = fleet.historyOf(shortName);
  const itpOf = request.itpOf ?? liveItp(request.runs);
  const matchArch = request.matchArch ?? defaultArchMatcher;

  const sortKey = (run: Run): SortKey => {
    // Count the cores this worker just freed on its last run, or it would pick that run again.
    const adjustedCores = run.cores + (run.runId === history?.lastRun ? maxThreads : 0);
    return [-run.args.priority, adjustedCores > 0 ? 1 : 0, (adjustedCores + maxThreads / 2) / itpOf(run)];
  };
  const playable = (run: Run): boolean => {
    const args = run.args;
    if (run.finished || !run.approved) return false;
    if (args.threads > maxThreads || args.threads < minThreads) return false;
    if (remainingGames(run) <= 0) return false;
    if (memoryNeeded(args, maxThreads) > worker.max_memory) return false;
    // Near its GitHub API limit, a worker only gets runs it already has the binaries of.
    if (worker.near_github_api_limit && !(history?.runIds.includes(run.runId) ?? false)) return false;
    if (args.spsa !== undefined && !spsaAcceptsMoreCores(args.spsa, run.cores)) return false;
    return args.compiler === undefined || args.compiler === worker.compiler;
  };

  // Only the first playable run in priority order matters. Sorting every run per request was most
  // of the decision's cost, so the cheap checks come first and the smallest key among the runs
  // passing them wins (ties keep the runs' order, as the stable sort did). The arch filter, a
  // regular expression, is evaluated only for the runs reached in that order.
  const candidates: Candidate[] = [];
  for (const run of request.runs) if (playable(run)) candidates.push({ run, key: sortKey(run) });

  const diagnostics: string[] = [];
  while (candidates.length > 0) {
    const { run } = takeSmallest(candidates);
    const filter = run.args.arch_filter;
    if (filter !== undefined && filter !== '') {
      const match = matchArch(filter, worker.worker_arch);
      if (match.kind === 'no-match') continue;
      // Upstream logs a filter it cannot evaluate and does not hold it against the worker.
      if (match.kind === 'error') diagnostics.push(`Matching ${worker.worker_arch} against ${filter} failed: ${match.message}`);
    }
    return {
      kind: 'assign',
      runId: run.runId,
      command: { type: 'AssignTask', data: { runId: run.runId, workerInfo: worker } },
      ...(held !== undefined ? { staleTask: { runId: held.runId, taskId: held.taskId } } : {}),
      diagnostics,
    };
  }
  return { kind: 'no-run', diagnostics };
};
