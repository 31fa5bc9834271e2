import { describe, it } from 'vitest';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { approved, assigned, baseArgs, context, created, RUN_ID, resultsOf, spec, spsaArgs, workerInfo } from '../runs/fixtures.js';

const other = workerInfo({ unique_key: 'ffff0000-2869-4459-b722-1560ae3bd123' });
const running = [created(baseArgs({ num_games: 1000 })), approved(), assigned(0, 200)];

describe('task requests must come from the task\u2019s worker (validate_request)', () => {
  it('refuses an update from another unique_key', () => {
    spec(...running)
      .when({ type: 'UpdateTask', data: { runId: RUN_ID, taskId: 0, workerInfo: other, stats: resultsOf([0, 0, 1, 0, 0]) } }, context())
      .thenRejects(
        'not-task-owner',
        `Invalid unique_key for task ${RUN_ID}/0. From task: abcd1234-2869-4459-b722-1560ae3bd123. From request: ffff0000-2869-4459-b722-1560ae3bd123.`,
      );
  });

  it('refuses a request from another user with the same key', () => {
    spec(...running)
      .when({ type: 'LogWorkerMessage', data: { runId: RUN_ID, taskId: 0, workerInfo: workerInfo({ username: 'bob' }), message: 'x' } }, context())
      .thenRejects('not-task-owner', `Invalid username for task ${RUN_ID}/0. From task: alice. From request: bob.`);
  });

  it('checks failed_task, request_spsa, stop_run and upload_pgn the same way', () => {
    const requestedBy = { unique_key: other.unique_key, username: 'alice' };
    const commands: RunCommand[] = [
      { type: 'FailTask', data: { runId: RUN_ID, taskId: 0, message: 'x', requestedBy } },
      { type: 'RecordPgnUpload', data: { runId: RUN_ID, taskId: 0, size: 1, blobId: 'b', requestedBy } },
      { type: 'StopRunFromWorker', data: { runId: RUN_ID, taskId: 0, workerInfo: other, message: 'x', cpuHours: 5000 } },
    ];
    for (const command of commands) spec(...running).when(command, context()).thenRejects('not-task-owner');
    spec(created(spsaArgs()), approved(), assigned(0, 200))
      .when({ type: 'RequestSpsaStep', data: { runId: RUN_ID, taskId: 0, requestedBy } }, context(undefined, { random: () => 0 }))
      .thenRejects('not-task-owner');
  });

  it('names a task id out of range', () => {
    spec(...running)
      .when({ type: 'FailTask', data: { runId: RUN_ID, taskId: 1, message: 'x' } }, context())
      .thenRejects('invalid-task', `Invalid task_id 1 for run_id ${RUN_ID}`);
  });

  it('names an unknown run', () => {
    spec().when({ type: 'FailTask', data: { runId: RUN_ID, taskId: 0, message: 'x' } }, context()).thenRejects('run-not-found', `Invalid run_id: ${RUN_ID}`);
  });
});
