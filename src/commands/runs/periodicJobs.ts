import type { EventContext } from '../../stores/events/port.js';
import { isRejection } from '../../domain/shared/decider.js';
import { LIMITS } from '../../domain/shared/constants.js';
import { decideRun } from '../../domain/runs/decider.js';
import type { Run } from '../../domain/runs/state.js';
import { itpOfRuns, runSpeed } from '../../domain/scheduling/itp.js';
import type { EpochMs } from '../../domain/shared/time.js';
import type { ActiveRuns } from './activeRuns.js';
import type { Clock } from './clock.js';
import type { Liveness } from './liveness.js';
import type { RunCache } from './runCache.js';

export interface RunSpeed {
  readonly nps: number;
  readonly gamesPerMinute: number;
}

/**
 * Upstream's periodic jobs of the primary (`schedule_tasks`), on an injected clock: the
 * scavenger (tasks silent for 360 s die, recorded as TaskDead), the internal throughput of
 * every unfinished run and their speed (nps, games per minute), and the pruning of the
 * workers' run histories. Only the scavenger writes events; the rest is memory.
 */
export interface PeriodicJobs {
  /** Declares dead the active tasks silent for too long; resolves with how many died. */
  scavenge(): Promise<number>;
  refreshItp(): void;
  refreshSpeeds(): void;
  pruneHistories(): void;
  itpOf(run: Run): number;
  speedOf(runId: string): RunSpeed | undefined;
  start(): void;
  stop(): Promise<void>;
}

export interface PeriodicJobsOptions {
  cache: RunCache;
  activeRuns: ActiveRuns;
  liveness: Liveness;
  clock: Clock;
  /** Interval of the scavenger, itp and speed jobs (upstream: 60 s). */
  intervalMs?: number;
  /** Interval of the history pruning (upstream: 300 s). */
  pruneIntervalMs?: number;
  onError?: (error: unknown, job: string) => void;
}

const systemContext = (job: string): EventContext => ({ actor: 'system', correlationId: `${job}-${Date.now().toString(36)}` });

export const createPeriodicJobs = (options: PeriodicJobsOptions): PeriodicJobs => {
  const { cache, activeRuns, liveness, clock } = options;
  const intervalMs = options.intervalMs ?? 60_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 300_000;
  let itps = new Map<string, number>();
  let speeds = new Map<string, RunSpeed>();
  let timers: Array<ReturnType<typeof setInterval>> = [];
  let running: Promise<unknown> = Promise.resolve();

  /** Whether a task of `run` was last updated, heard from, or seen at start-up before the deadline. */
  const hasSilentTask = (run: Run, deadline: EpochMs): boolean =>
    run.activeTaskIds.some((taskId) => {
      const task = run.tasks.get(taskId);
      // The heartbeat is looked up only for a task whose own last update is old (the rare case).
      return task !== undefined && task.lastUpdated < deadline && liveness.lastSeen(run.runId, taskId) < deadline;
    });

  const scavengeRun = async (run: Run, deadline: EpochMs): Promise<number> => {
    if (!hasSilentTask(run, deadline)) return 0;
    const outcome = await cache.submit<number>(
      run.runId,
      (state) => {
        if (state.kind !== 'run') return { events: [], reply: 0 };
        // The decider compares against the task's own lastUpdated too; we add what only memory knows.
        const lastBeatAt = new Map(state.activeTaskIds.map((taskId) => [taskId, liveness.lastSeen(state.runId, taskId)]));
        const decision = decideRun({ type: 'ScavengeDeadTasks', data: { runId: state.runId, lastBeatAt } }, state, { now: clock() });
        return isRejection(decision) ? decision : { events: decision, reply: decision.length };
      },
      systemContext('scavenger'),
    );
    return outcome.kind === 'accepted' ? outcome.reply : 0;
  };

  const jobs: PeriodicJobs = {
    async scavenge() {
      const deadline = clock() - LIMITS.deadTaskSeconds * 1000;
      let dead = 0;
      for (const run of activeRuns.runs()) {
        try {
          dead += await scavengeRun(run, deadline);
        } catch (err) {
          options.onError?.(err, 'scavenger');
        }
      }
      return dead;
    },
    refreshItp() {
      itps = itpOfRuns(activeRuns.runs());
    },
    refreshSpeeds() {
      speeds = new Map(activeRuns.runs().map((run) => [run.runId, runSpeed(run)]));
    },
    pruneHistories() {
      activeRuns.pruneHistories();
    },
    itpOf: (run) => itps.get(run.runId) ?? run.args.itp,
    speedOf: (runId) => speeds.get(runId),
    start() {
      if (timers.length > 0) return;
      const every = (ms: number, job: string, work: () => unknown): void => {
        const timer = setInterval(() => {
          running = Promise.resolve()
            .then(work)
            .catch((err: unknown) => options.onError?.(err, job));
        }, ms);
        timer.unref();
        timers.push(timer);
      };
      jobs.refreshItp();
      jobs.refreshSpeeds();
      every(intervalMs, 'scavenger', () => jobs.scavenge());
      every(intervalMs, 'itp', () => jobs.refreshItp());
      every(intervalMs, 'speeds', () => jobs.refreshSpeeds());
      every(pruneIntervalMs, 'histories', () => jobs.pruneHistories());
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      await running.catch(() => undefined);
    },
  };
  return jobs;
};
