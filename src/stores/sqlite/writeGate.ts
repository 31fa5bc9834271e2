/**
 * Shared between a writing connection and its WAL checkpointer thread (see walCheckpointer.ts).
 *
 * SQLite can start its WAL over only when a checkpoint has copied every frame and no commit came in
 * between. Under a steady stream of commits that never happens, so the file grows without bound.
 * The checkpointer therefore holds the gate for the last, short pass: the writer keeps queueing while
 * it is held instead of waiting inside SQLite's busy handler, which would stop its event loop.
 *
 * One Int32 holds the state. The writer moves it OPEN → WRITING around each transaction; the
 * checkpointer moves it OPEN → HELD and back, waiting out a transaction in progress.
 */
export const GATE_OPEN = 0;
export const GATE_WRITING = 1;
export const GATE_HELD = 2;

export interface WriteGate {
  /** Passed to the checkpointer thread. */
  readonly buffer: SharedArrayBuffer;
  /** True when the caller may begin a transaction now; it must call `leave` when it is over. Nested calls count. */
  tryEnter(): boolean;
  leave(): void;
  /** Calls back once, when the gate is released or has been held for longer than allowed. */
  whenReleased(callback: () => void): void;
  /** Opens a gate its holder can no longer release (the checkpointer thread is gone). */
  reset(): void;
}

export interface WriteGateOptions {
  /**
   * The longest the writer waits for a hold to end (2 s by default). Past it the writer goes ahead
   * and SQLite's own locking applies, so a stuck checkpointer costs latency but never stops writes.
   */
  maxHoldMs?: number;
}

const DEFAULT_MAX_HOLD_MS = 2_000;

export const createWriteGate = (options: WriteGateOptions = {}): WriteGate => {
  const maxHoldMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const state = new Int32Array(buffer);
  /** When this writer first found the gate held in the current hold (0: not waiting). */
  let heldSince = 0;
  let depth = 0;

  const tryEnter = (): boolean => {
    if (depth > 0) {
      depth++;
      return true;
    }
    const previous = Atomics.compareExchange(state, 0, GATE_OPEN, GATE_WRITING);
    if (previous === GATE_HELD) {
      const now = Date.now();
      if (heldSince === 0) heldSince = now;
      if (now - heldSince < maxHoldMs) return false;
      // Set, not swapped: the holder may have released the gate meanwhile, and the writer is in either way.
      Atomics.store(state, 0, GATE_WRITING);
    }
    heldSince = 0;
    depth = 1;
    return true;
  };

  const leave = (): void => {
    if (depth === 0) return;
    depth--;
    if (depth > 0) return;
    if (Atomics.compareExchange(state, 0, GATE_WRITING, GATE_OPEN) === GATE_WRITING) Atomics.notify(state, 0);
  };

  const whenReleased = (callback: () => void): void => {
    const waited = heldSince === 0 ? 0 : Date.now() - heldSince;
    const timeout = Math.max(1, maxHoldMs - waited);
    const wait = Atomics.waitAsync(state, 0, GATE_HELD, timeout);
    if (wait.async) void wait.value.then(callback);
    else queueMicrotask(callback);
  };

  const reset = (): void => {
    if (Atomics.compareExchange(state, 0, GATE_HELD, GATE_OPEN) === GATE_HELD) Atomics.notify(state, 0);
  };

  return { buffer, tryEnter, leave, whenReleased, reset };
};
