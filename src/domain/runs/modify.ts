import { LIMITS } from '../shared/constants.js';
import { fold, reject, type Decision } from '../shared/decider.js';
import { elapsedWholeDays, toIso } from '../shared/time.js';
import type { ModifyRun, RunRejectionCode } from './commands.js';
import type { RunContext } from './context.js';
import { runEvent, type Change, type RunChanges, type RunEvent } from './events.js';
import { lifecycleMessages } from './messages.js';
import { evolveRun } from './evolve.js';
import { stopRunEvents } from './finish.js';
import { isUndecided, type Run, type RunState } from './state.js';

/** Upstream accepts a value when removing every "-" leaves only digits; it must also be an int. */
const parseFormInt = (value: string | number): number | undefined => {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (!/^\d+$/.test(value.replace(/-/g, ''))) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
};

const pythonValue = (value: number | boolean | string): string =>
  typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);

/**
 * Owner or approver changes num_games, priority, throughput, auto-purge (and the owner the
 * info) of a run at most 30 days old. A non-approver who raises throughput or priority above
 * the normal limits, or touches a failed run, loses the approval; a finished run left
 * undecided by the change is revived, and a running one that already played the new number
 * of games finishes.
 */
export const decideModifyRun = (
  command: ModifyRun,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, by, isApprover } = command.data;
  if (state.kind === 'none') return reject('run-not-found', 'No run with this id');
  const run = state;
  if (elapsedWholeDays(run.startTime, context.now) > LIMITS.maxAgeDays) {
    return reject('run-too-old', lifecycleMessages.runTooOldToModify);
  }
  if (command.data.numGames === undefined) return reject('invalid-modification', lifecycleMessages.noNumberOfGames);
  const numGames = parseFormInt(command.data.numGames);
  const priority = parseFormInt(command.data.priority);
  const throughput = parseFormInt(command.data.throughput);
  if (numGames === undefined || priority === undefined || throughput === undefined) {
    return reject('invalid-modification', lifecycleMessages.badValues);
  }
  const args = run.args;
  if (numGames > args.num_games && args.sprt === undefined && args.spsa === undefined) {
    return reject('invalid-modification', lifecycleMessages.fixedGamesIncrease);
  }
  if (args.spsa !== undefined && numGames !== args.num_games) return reject('invalid-modification', lifecycleMessages.spsaNumGames);
  if (numGames < LIMITS.modifyNumGamesMin) {
    return reject('invalid-modification', lifecycleMessages.numGamesAtLeast(LIMITS.modifyNumGamesMin));
  }
  if (numGames % LIMITS.modifyNumGamesStep !== 0) {
    return reject('invalid-modification', lifecycleMessages.numGamesMultiple(LIMITS.modifyNumGamesStep));
  }
  if (numGames > LIMITS.maxNumGames) return reject('invalid-modification', lifecycleMessages.numGamesAtMost(LIMITS.maxNumGames));
  const isOwner = args.username === by;
  if (!isOwner && !isApprover) return reject('not-allowed', lifecycleMessages.modifyOthersRun);

  const at = toIso(context.now);
  const events: RunEvent[] = [];
  const needsReapproval =
    !isApprover &&
    run.approved &&
    (throughput > Math.max(args.throughput, 100) || priority > Math.max(args.priority, 0) || run.failed);
  if (needsReapproval) events.push(runEvent('RunUnapproved', { runId, at, by }));

  const changes: { -readonly [K in keyof RunChanges]: RunChanges[K] } = {};
  const messageParts: string[] = [];
  const note = <K extends 'priority' | 'num_games' | 'throughput' | 'auto_purge'>(key: K, change: NonNullable<RunChanges[K]>) => {
    if (change.from === change.to) return;
    (changes as Record<string, Change<unknown>>)[key] = change;
    messageParts.push(`${key.replace('_', '-')} changed from ${pythonValue(change.from)} to ${pythonValue(change.to)}`);
  };
  note('priority', { from: args.priority, to: priority });
  note('num_games', { from: args.num_games, to: numGames });
  note('throughput', { from: args.throughput, to: throughput });
  note('auto_purge', { from: args.auto_purge, to: command.data.autoPurge });
  const info = command.data.info?.trim() ?? '';
  if (isOwner && info !== '' && info !== args.info) changes.info = { from: args.info, to: info };
  events.push(runEvent('RunModified', { runId, at, by, changes, message: `modify: ${messageParts.join(', ')}` }));

  const modifiedArgs = { ...args, num_games: numGames };
  const undecided = isUndecided({ args: modifiedArgs, results: run.results });
  if (run.finished && undecided) events.push(runEvent('RunRevived', { runId, at, cause: 'modify' }));
  if (!run.finished && !undecided) {
    // Fewer games than already played: upstream leaves such a run open until its next update
    // (or its restart repair) finishes it; finishing it now keeps every state consistent.
    const modified = fold<RunState, RunEvent>(evolveRun, run, events) as Run;
    events.push(...stopRunEvents(modified, { kind: 'decision' }, context.now));
  }
  return events;
};
