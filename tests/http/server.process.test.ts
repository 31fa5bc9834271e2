import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, spawnTs, waitForHttp } from '../support/processes.js';
import type { Spawned } from '../support/processes.js';
import { makeTempDir } from '../support/tempDir.js';

describe('the server process', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  const startServer = async (env: Record<string, string> = {}, fileLimit?: number): Promise<{ server: Spawned; port: number }> => {
    const temp = makeTempDir();
    const port = await freePort();
    const server = spawnTs('src/main.ts', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: temp.dir, ...env }, fileLimit === undefined ? {} : { fileLimit });
    cleanups.push(() => {
      server.child.kill('SIGKILL');
      temp.remove();
    });
    return { server, port };
  };

  it('serves /health on the embedded stores and shuts down cleanly on SIGTERM', async () => {
    const { server, port } = await startServer({ LOG_LEVEL: 'info' });
    const response = await waitForHttp(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', eventStore: { kind: 'sqlite' } });
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shutdown complete');
  });

  it('refuses to start on a bad setting with one line naming it', async () => {
    const { server } = await startServer({ PORT: 'not-a-port' });
    expect((await server.exited).code).toBe(1);
    expect(server.output().trim()).toBe('Invalid setting PORT: Invalid input: expected number, received NaN (got "not-a-port")');
  });

  it('survives more connections than it has file descriptors, and serves again once they close', async () => {
    const { server, port } = await startServer({}, 128);
    expect((await waitForHttp(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // Three times its limit, held open: accepting them runs the server out of descriptors, and it
    // sheds the connections it cannot hold (they are closed from its side).
    let shed = 0;
    const sockets = Array.from({ length: 400 }, () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('end', () => (shed += 1));
      return socket;
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const socket of sockets) socket.destroy();
    expect(shed).toBeGreaterThan(0);
    expect(server.child.exitCode).toBeNull();
    const response = await waitForHttp(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    const runs = await fetch(`http://127.0.0.1:${port}/api/active_runs`);
    expect(runs.status).toBe(200);
    expect(server.output()).not.toMatch(/EMFILE|Error/);
  });
});
