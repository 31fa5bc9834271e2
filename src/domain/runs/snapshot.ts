import { listOf } from '../shared/persistent-list.js';
import type { Run, RunState, TaskState } from './state.js';

/** A run state as plain JSON (tasks as an array), for snapshots of long streams. */
export type RunSnapshot = { readonly kind: 'none' } | (Omit<Run, 'tasks'> & { readonly tasks: readonly TaskState[] });

export const toRunSnapshot = (state: RunState): RunSnapshot =>
  state.kind === 'none' ? state : { ...state, tasks: state.tasks.toArray() };

export const fromRunSnapshot = (snapshot: RunSnapshot): RunState =>
  snapshot.kind === 'none' ? snapshot : { ...snapshot, tasks: listOf(snapshot.tasks) };
