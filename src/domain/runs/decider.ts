import type { Decider, Decision } from '../shared/decider.js';
import { decideAssignTask } from '../tasks/assign-task.js';
import {
  decideFailTask,
  decideLogWorkerMessage,
  decideRecordPgnUpload,
  decideRequestSpsaStep,
  decideScavengeDeadTasks,
} from '../tasks/task-reports.js';
import { decideUpdateTask } from '../tasks/update-task.js';
import { decideApproveRun } from './approve.js';
import type { RunCommand, RunRejectionCode } from './commands.js';
import type { RunContext } from './context.js';
import { decideCreateRun } from './create/decide-create.js';
import { evolveRun } from './evolve.js';
import type { RunEvent } from './events.js';
import { decideModifyRun } from './modify.js';
import { initialRunState, type RunState } from './state.js';
import { decideDeleteRun, decidePurgeRun, decideStopRun, decideStopRunFromWorker } from './stop.js';

export const decideRun = (command: RunCommand, state: RunState, context: RunContext): Decision<RunEvent, RunRejectionCode> => {
  switch (command.type) {
    case 'CreateRun':
      return decideCreateRun(command, state, context);
    case 'ApproveRun':
      return decideApproveRun(command, state, context);
    case 'ModifyRun':
      return decideModifyRun(command, state, context);
    case 'StopRun':
      return decideStopRun(command, state, context);
    case 'DeleteRun':
      return decideDeleteRun(command, state, context);
    case 'PurgeRun':
      return decidePurgeRun(command, state, context);
    case 'AssignTask':
      return decideAssignTask(command, state, context);
    case 'UpdateTask':
      return decideUpdateTask(command, state, context);
    case 'FailTask':
      return decideFailTask(command, state, context);
    case 'ScavengeDeadTasks':
      return decideScavengeDeadTasks(command, state, context);
    case 'RequestSpsaStep':
      return decideRequestSpsaStep(command, state, context);
    case 'StopRunFromWorker':
      return decideStopRunFromWorker(command, state, context);
    case 'LogWorkerMessage':
      return decideLogWorkerMessage(command, state, context);
    case 'RecordPgnUpload':
      return decideRecordPgnUpload(command, state, context);
  }
};

/** The run aggregate (stream `run-<id>`). */
export const runDecider: Decider<RunCommand, RunEvent, RunState, RunContext> = {
  decide: decideRun,
  evolve: evolveRun,
  initialState: initialRunState,
};
