import { createHash } from 'node:crypto';
import type { Doc } from '../../stores/documents/port.js';

/** Upstream's 17 action names (`schemas.action_name`). */
export const ACTION_NAMES = [
  'failed_task',
  'crash_or_time',
  'dead_task',
  'system_event',
  'new_run',
  'upload_nn',
  'modify_run',
  'delete_run',
  'stop_run',
  'finished_run',
  'approve_run',
  'purge_run',
  'block_user',
  'accept_user',
  'block_worker',
  'log_message',
  'worker_log',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

/** What an action says, in upstream's field names (`action_schema`). */
export interface ActionFields {
  action: ActionName;
  username: string;
  run_id?: string;
  /** Display name of the run: `new_tag[:23]-<md5(run_id)[:7]>`. */
  run?: string;
  task_id?: number;
  worker?: string;
  message?: string;
  /** Target user of block_user / accept_user. */
  user?: string;
  nn?: string;
}

/** One audit-log entry. `_id` orders entries as the log does; `time` is UNIX seconds, as upstream. */
export interface ActionDocument extends Doc, ActionFields {
  _id: string;
  time: number;
}

/** Upstream's limit on action messages. */
export const ACTION_MESSAGE_SIZE = 5120;

export const truncateMessage = (message: string): string =>
  message.length > ACTION_MESSAGE_SIZE ? message.slice(0, ACTION_MESSAGE_SIZE) : message;

/** Upstream `run_name`: the branch (at most 23 characters) and 7 hex digits of the md5 of the run id. */
export const runDisplayName = (newTag: string, runId: string): string =>
  `${Array.from(newTag).slice(0, 23).join('')}-${createHash('md5').update(runId).digest('hex').slice(0, 7)}`;

/** Wide enough for any log position (2^64 has 20 digits), so ids sort like positions. */
const POSITION_DIGITS = 20;

/** The id of the `index`-th action of the event at `position`: unique, and in log order as text. */
export const actionId = (position: bigint, index: number): string =>
  `${position.toString().padStart(POSITION_DIGITS, '0')}-${index}`;
