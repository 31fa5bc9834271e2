/**
 * Where a subscription reopens after a drop: just after the last event it emitted.
 * A server checkpoint may move it forward past filtered-out events, never backward:
 * servers have shipped checkpoints that lag behind delivered events.
 */
export interface ResumePosition {
  /** Exclusive; undefined means the start of the log. */
  readonly current: bigint | undefined;
  /** Records an event that was emitted; returns false if it is not after the current position. */
  advanceTo(position: bigint): boolean;
  /** Records a server checkpoint; ignored unless it is ahead. */
  raiseTo(position: bigint): void;
}

export function createResumePosition(start: bigint | undefined): ResumePosition {
  let current = start;
  const isAhead = (position: bigint) => current === undefined || position > current;
  return {
    get current() {
      return current;
    },
    advanceTo(position) {
      if (!isAhead(position)) return false;
      current = position;
      return true;
    },
    raiseTo(position) {
      if (isAhead(position)) current = position;
    },
  };
}
