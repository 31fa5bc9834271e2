import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

export interface Spawned {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output: () => string;
  stderr: () => string;
  /** Once the process has exited and its output has all been read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs a TypeScript entry point of the project through tsx, as `npm start` does; `preload`: modules
 * imported before it; `fileLimit` lowers its limit of open file descriptors (`ulimit -n`).
 */
export const spawnTs = (
  entry: string,
  env: Record<string, string>,
  options: { fileLimit?: number; preload?: readonly string[] } = {},
): Spawned => {
  const nodeArgs = ['--import', 'tsx', ...(options.preload ?? []).flatMap((module) => ['--import', module]), entry];
  const [command, args] =
    options.fileLimit === undefined
      ? [process.execPath, nodeArgs]
      : ['sh', ['-c', `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, process.execPath, ...nodeArgs]];
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    errors += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, stderr: () => errors, exited };
};

export const waitForHttp = async (url: string, timeoutMs = 20_000): Promise<Response> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};
