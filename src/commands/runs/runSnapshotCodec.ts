import type { SnapshotCodec } from '../aggregateStore.js';
import type { RunSnapshot } from '../../domain/runs/snapshot.js';
import { fromRunSnapshot, toRunSnapshot } from '../../domain/runs/snapshot.js';
import type { RunState } from '../../domain/runs/state.js';

/** Run states as JSON snapshots; bump `version` whenever the run state or `evolveRun` changes. */
export const runSnapshotCodec: SnapshotCodec<RunState> = {
  version: 1,
  every: 1_000,
  serialize: (state) => toRunSnapshot(state),
  deserialize: (value) => fromRunSnapshot(value as RunSnapshot),
};
