/**
 * Upstream Fishtest's messages, word for word. The worker-facing ones are part of the wire
 * contract (workers print them and some tools grep them); the others are what the UI flashes.
 */
const task = (runId: string, taskId: number): string => `${runId}/${taskId}`;

export const workerMessages = {
  updateTaskInactive: (runId: string, taskId: number) => `Update_task: task ${task(runId, taskId)} is not active`,
  updateTaskIncompatible: (runId: string, taskId: number, before: number, now: number, spsaGames: number) =>
    `Update_task: task ${task(runId, taskId)} has incompatible stats. Before ${before}. Now ${now}. SPSA_games ${spsaGames}.`,
  updateTaskOdd: (runId: string, taskId: number, before: number, now: number) =>
    `Update_task: odd number of games received for task ${task(runId, taskId)}. Before ${before}. Now ${now}.`,
  updateTaskBatch: (runId: string, taskId: number) =>
    `Update_task: the number of games received for task ${task(runId, taskId)} is incompatible with the SPRT batch size`,
  failedTaskInactive: (runId: string, taskId: number) => `Failed_task: task ${task(runId, taskId)} is not active`,
  requestSpsaInactive: (runId: string, taskId: number) => `request_spsa_data: task ${task(runId, taskId)} is not active`,
  tooBusy: 'Request_task: the server is currently too busy...',
  runNoLongerNeedsGames: (runId: string) =>
    `Request_task: alas the run ${runId} corresponding to the assigned task no longer needs games. Please try again...`,
  duplicateWorker: (otherLongName: string, secondsAgo: number, runId: string, taskId: number, myLongName: string) =>
    `Request_task: There is already a worker running with name "${otherLongName}" which ${secondsAgo} seconds ago sent an update for task ${task(runId, taskId)} (my name is "${myLongName}")`,
  machineLimit: (username: string) => `Request_task: Machine limit reached for user ${username}`,
  stopRunTooFewGames: (username: string) => `User ${username} has too few games to stop a run`,
  stopRunAlreadyFinished: (runId: string) => `Run ${runId} is already finished`,
  notAuthorizedSuffix: ' (not authorized)',
  staleActiveTask: 'Stale active task',
  invalidTaskId: (runId: string, taskId: number) => `Invalid task_id ${taskId} for run_id ${runId}`,
  invalidRunId: (runId: string) => `Invalid run_id: ${runId}`,
  invalidTaskOwner: (key: 'unique_key' | 'username', runId: string, taskId: number, fromTask: string, fromRequest: string) =>
    `Invalid ${key} for task ${task(runId, taskId)}. From task: ${fromTask}. From request: ${fromRequest}.`,
  /** Request-shape errors the HTTP layer raises before any decision. */
  missingRunId: 'Missing run_id',
  missingTaskId: 'Missing task_id',
  missingPgn: 'Missing pgn content',
  workerLogMissingTaskId: 'Missing task_id for worker_log run context',
} as const;

export const lifecycleMessages = {
  runNotFound: (runId: string) => `Run ${runId} not found!`,
  selfApproval: (runId: string) => `Run ${runId}: Self approval is disabled!`,
  alreadyApproved: (runId: string) => `Run ${runId} already approved!`,
  approved: (runId: string) => `Run ${runId} approved`,
  loginAsApprover: 'Please login as approver',
  runTooOldToModify: 'Run too old to be modified',
  noNumberOfGames: 'Unable to modify with no number of games!',
  badValues: 'Bad values!',
  fixedGamesIncrease: 'Unable to modify number of games in a fixed game test!',
  spsaNumGames:
    'Unable to modify number of games for SPSA tests, SPSA hyperparams are based off the initial number of games',
  numGamesAtLeast: (minimum: number) => `Number of games must be >= ${minimum}`,
  numGamesMultiple: (step: number) => `Number of games must be a multiple of ${step}`,
  numGamesAtMost: (maximum: number) => `Number of games must be <= ${maximum}`,
  modifyOthersRun: "Unable to modify another user's run!",
  /** Stop and delete spell it without the apostrophe. */
  stopOthersRun: 'Unable to modify another users run!',
  purgeNotAllowed: 'Only approvers or the submitting user can purge the run.',
  purgeNotFinished: 'Can only purge completed run',
  purgeTooOld: 'Run too old to be purged',
  purgeFailed: 'You cannot purge a failed run',
  purgeNoBadWorkers: 'No bad workers',
  userStop: 'User stop',
  modified: 'The test was successfully modified!',
  modifiedNeedsReapproval: 'The test was successfully modified but it will have to be reapproved...',
  modifiedAwaitingApproval: 'The test was successfully modified. Please wait for approval.',
  submitted: 'The test was submitted to the queue. Please wait for approval.',
  stopped: 'Stopped run',
  deleted: 'Deleted run',
  purged: 'Purged run',
} as const;

/** Audit text of a purge attempt. */
export const purgeActionMessage = (mode: 'auto' | 'manual', refusal?: string): string => {
  const label = mode === 'auto' ? 'Auto purge' : 'Manual purge';
  return refusal === undefined ? label : `${label} (not performed): ${refusal}`;
};
