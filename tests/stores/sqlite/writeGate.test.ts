import { describe, expect, it } from 'vitest';
import { GATE_HELD, GATE_OPEN, GATE_WRITING, createWriteGate } from '../../../src/stores/sqlite/writeGate.js';

/** Plays the checkpointer's side of the gate. */
const holder = (buffer: SharedArrayBuffer) => {
  const state = new Int32Array(buffer);
  return {
    state: () => Atomics.load(state, 0),
    hold: () => Atomics.compareExchange(state, 0, GATE_OPEN, GATE_HELD) === GATE_OPEN,
    release: () => {
      Atomics.compareExchange(state, 0, GATE_HELD, GATE_OPEN);
      Atomics.notify(state, 0);
    },
  };
};

describe('write gate between a writer and its checkpointer', () => {
  it('marks a transaction in progress, so the checkpointer cannot hold the gate meanwhile', () => {
    const gate = createWriteGate({ maxHoldMs: 1_000 });
    const checkpointer = holder(gate.buffer);
    expect(gate.tryEnter()).toBe(true);
    expect(checkpointer.state()).toBe(GATE_WRITING);
    expect(checkpointer.hold()).toBe(false);
    gate.leave();
    expect(checkpointer.state()).toBe(GATE_OPEN);
    expect(checkpointer.hold()).toBe(true);
  });

  it('counts nested entries: only the outermost leave opens the gate', () => {
    const gate = createWriteGate({ maxHoldMs: 1_000 });
    const checkpointer = holder(gate.buffer);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(true);
    gate.leave();
    expect(checkpointer.state()).toBe(GATE_WRITING);
    gate.leave();
    expect(checkpointer.state()).toBe(GATE_OPEN);
  });

  it('refuses entry while held and calls back once released', async () => {
    const gate = createWriteGate({ maxHoldMs: 5_000 });
    const checkpointer = holder(gate.buffer);
    checkpointer.hold();
    expect(gate.tryEnter()).toBe(false);
    let called = false;
    const released = new Promise<void>((resolve) =>
      gate.whenReleased(() => {
        called = true;
        resolve();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(called).toBe(false);
    checkpointer.release();
    await released;
    expect(gate.tryEnter()).toBe(true);
    gate.leave();
  });

  it('lets the writer through once a hold has lasted longer than allowed', async () => {
    const gate = createWriteGate({ maxHoldMs: 50 });
    const checkpointer = holder(gate.buffer);
    checkpointer.hold();
    expect(gate.tryEnter()).toBe(false);
    const started = Date.now();
    await new Promise<void>((resolve) => gate.whenReleased(resolve));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(gate.tryEnter()).toBe(true);
    expect(checkpointer.state()).toBe(GATE_WRITING);
    gate.leave();
    expect(checkpointer.state()).toBe(GATE_OPEN);
  });

  it('reset opens a gate whose holder is gone', () => {
    const gate = createWriteGate({ maxHoldMs: 5_000 });
    const checkpointer = holder(gate.buffer);
    checkpointer.hold();
    gate.reset();
    expect(checkpointer.state()).toBe(GATE_OPEN);
    expect(gate.tryEnter()).toBe(true);
    gate.reset();
    expect(checkpointer.state()).toBe(GATE_WRITING);
    gate.leave();
  });
});
