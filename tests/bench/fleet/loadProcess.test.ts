import { describe, expect, it } from 'vitest';
import { forkLoadProcess } from '../../../bench/fleet/processes.js';

describe('fleet benchmark load process', () => {
  it('reports a crash at once: `died` rejects with how it exited, and commands are refused', async () => {
    const loader = await forkLoadProcess();
    const died = loader.died.catch((error: unknown) => error);
    process.kill(loader.pid, 'SIGKILL');
    const error = await died;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`load process ${loader.pid} exited on SIGKILL`);
    expect(() => loader.send({ type: 'phase', name: 'steady' })).toThrow(/exited on SIGKILL/);
    // Whoever waits for its answer learns it too.
    await expect(loader.next('fleet-done')).rejects.toThrow();
  }, 30_000);

  it('does not count a requested stop as a crash', async () => {
    const loader = await forkLoadProcess();
    let crashed = false;
    loader.died.catch(() => (crashed = true));
    expect(await loader.stop()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(crashed).toBe(false);
  }, 30_000);
});
