import { fold } from '../shared/decider.js';
import { toIso, type EpochMs } from '../shared/time.js';
import { evolveRun } from './evolve.js';
import { runEvent, type RunEvent, type RunFinished } from './events.js';
import { computeFlags, NO_FLAGS } from './flags.js';
import { lifecycleMessages } from './messages.js';
import { planPurge, type PurgeMode } from './purge/purge.js';
import { finishedRunMessage } from './run-messages.js';
import type { Run, RunState } from './state.js';

export type StopTrigger =
  /** The SPRT decided or the run played its games. */
  | { readonly kind: 'decision' }
  | { readonly kind: 'user'; readonly by: string }
  /** An authorised worker found the run broken (bench mismatch, engine crash…): the run fails. */
  | { readonly kind: 'worker'; readonly by: string; readonly taskId: number; readonly workerName: string; readonly message: string };

/** A purge attempt as events: refused, or purged (and revived when the run is undecided again). */
export const purgeEvents = (run: Run, mode: PurgeMode, by: string, now: EpochMs): RunEvent[] => {
  const at = toIso(now);
  const outcome = planPurge(run, mode, now);
  if (!outcome.performed) return [runEvent('RunPurgeRefused', { runId: run.runId, at, by, mode, reason: outcome.reason })];
  const args = outcome.sprt === undefined ? run.args : { ...run.args, sprt: outcome.sprt };
  const purged = runEvent('RunPurged', {
    runId: run.runId,
    at,
    by,
    mode,
    badTasks: outcome.badTasks,
    results: outcome.results,
    ...(outcome.sprt !== undefined ? { sprt: outcome.sprt } : {}),
    flags: outcome.revives ? NO_FLAGS : computeFlags(args, outcome.results),
  });
  return outcome.revives ? [purged, runEvent('RunRevived', { runId: run.runId, at, cause: 'purge' })] : [purged];
};

const finishedReason = (run: Run): RunFinished['data']['reason'] => {
  const state = run.args.sprt?.state ?? '';
  if (state === 'accepted') return 'sprt-accepted';
  if (state === 'rejected') return 'sprt-rejected';
  return 'games-reached';
};

/**
 * Upstream `stop_run`: every task stops, the run is finished and flagged, then the automatic
 * purge runs when the run asks for it (never for SPSA), which may revive the run. A natural
 * finish also carries the finished_run audit text, unless the purge revived the run.
 */
export const stopRunEvents = (run: Run, trigger: StopTrigger, now: EpochMs): RunEvent[] => {
  const at = toIso(now);
  const flags = computeFlags(run.args, run.results);
  let first: RunEvent;
  switch (trigger.kind) {
    case 'decision':
      first = runEvent('RunFinished', { runId: run.runId, at, reason: finishedReason(run), flags });
      break;
    case 'user':
      first = runEvent('RunStopped', {
        runId: run.runId,
        at,
        cause: 'user',
        by: trigger.by,
        message: lifecycleMessages.userStop,
        failed: false,
        flags,
      });
      break;
    case 'worker':
      first = runEvent('RunStopped', {
        runId: run.runId,
        at,
        cause: 'worker',
        by: trigger.by,
        message: trigger.message,
        worker: { taskId: trigger.taskId, workerName: trigger.workerName },
        failed: true,
        flags,
      });
      break;
  }
  const events: RunEvent[] = [first];
  if (run.args.auto_purge && run.args.spsa === undefined) {
    const stopped = evolveRun(run, first) as Run;
    events.push(...purgeEvents(stopped, 'auto', run.args.username, now));
  }
  if (first.type === 'RunFinished') {
    const final = fold<RunState, RunEvent>(evolveRun, run, events) as Run;
    if (final.finished) {
      events[0] = { ...first, data: { ...first.data, message: finishedRunMessage(final.args, final.results, final.isGreen) } };
    }
  }
  return events;
};
