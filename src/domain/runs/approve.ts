import { reject, type Decision } from '../shared/decider.js';
import { toIso } from '../shared/time.js';
import type { ApproveRun, RunRejectionCode } from './commands.js';
import type { RunContext } from './context.js';
import { runEvent, type RunEvent } from './events.js';
import { lifecycleMessages } from './messages.js';
import type { RunState } from './state.js';

/** Only approvers approve, never their own run, and only once. */
export const decideApproveRun = (
  command: ApproveRun,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  const { runId, by, isApprover } = command.data;
  if (!isApprover) return reject('not-approver', lifecycleMessages.loginAsApprover);
  if (state.kind === 'none') return reject('run-not-found', lifecycleMessages.runNotFound(runId));
  if (state.args.username === by) return reject('self-approval', lifecycleMessages.selfApproval(runId));
  if (state.approved) return reject('already-approved', lifecycleMessages.alreadyApproved(runId));
  return [runEvent('RunApproved', { runId, at: toIso(context.now), approver: by })];
};
