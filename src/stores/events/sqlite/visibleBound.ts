/**
 * The highest log position a reader in another thread of the writer's process may see.
 *
 * A commit is visible to other connections as soon as COMMIT returns, but it is durable only once
 * the WAL sync that follows has finished. The writer lowers the bound to its durable head before it
 * starts a transaction and lifts it once nothing is waiting for a sync, so a reader that takes
 * `min(database head, bound)` never sees an event a power loss could take back.
 */
export interface VisibleBound {
  /** Shared memory: hand it to the reader's thread. */
  readonly buffer: SharedArrayBuffer;
  get(): number;
  set(position: number): void;
}

/** Everything in the database may be read: no commit awaits its sync. */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export const visibleBoundOver = (buffer: SharedArrayBuffer = new SharedArrayBuffer(8)): VisibleBound => {
  const cell = new BigInt64Array(buffer, 0, 1);
  return {
    buffer,
    get: () => Number(Atomics.load(cell, 0)),
    set: (position) => void Atomics.store(cell, 0, BigInt(position)),
  };
};
