import { reject, type Decision } from '../../shared/decider.js';
import { tcBase } from '../../shared/time-control.js';
import { toIso } from '../../shared/time.js';
import { defaultArchMatcher } from '../../scheduling/arch-filter.js';
import type { CreateRun, RunRejectionCode } from '../commands.js';
import type { RunContext } from '../context.js';
import { runEvent, type RunEvent } from '../events.js';
import type { RunState } from '../state.js';
import { validateSubmission } from './validate-submission.js';

/** A new run: validated in full, recorded with every argument, waiting for approval. */
export const decideCreateRun = (
  command: CreateRun,
  state: RunState,
  context: RunContext,
): Decision<RunEvent, RunRejectionCode> => {
  if (state.kind !== 'none') return reject('run-exists', `Run ${command.data.runId} already exists`);
  const checked = validateSubmission(command.data.submission, command.data.facts, context.matchArch ?? defaultArchMatcher);
  if (!checked.ok) return reject('invalid-submission', checked.message);
  return [
    runEvent('RunCreated', {
      runId: command.data.runId,
      at: toIso(context.now),
      args: checked.args,
      tcBase: tcBase(checked.args.tc),
      ...(checked.rescheduledFrom !== undefined ? { rescheduledFrom: checked.rescheduledFrom } : {}),
    }),
  ];
};
