import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { LoadCommand, LoadMessage } from './loadProtocol.js';
import { repositoryRoot } from './setup.js';

/* The benchmark's child processes: the server, the baseline servers and the load generators. */

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerProcess {
  pid: number;
  port: number;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

const stopper =
  (child: ChildProcess) =>
  async (graceMs = 20_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited(child);
    } finally {
      clearTimeout(timer);
    }
  };

/** Polls `url` until it answers 200 (or the process exits, or `timeoutMs` passes). */
const waitUntilServing = async (child: ChildProcess, url: string, timeoutMs: number, logFile: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url}: not serving after ${timeoutMs} ms; see ${logFile}`);
};

export interface SpawnOptions {
  script: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout and stderr go. */
  logFile: string;
  /** GET path that answers 200 once ready. */
  readyPath: string;
  nodeOptions?: readonly string[];
  /** Modules imported after the tsx loader, before the script. */
  preload?: readonly string[];
  timeoutMs?: number;
}

export interface BackgroundProcess {
  pid: number;
  stop(graceMs?: number): Promise<number | null>;
}

/** A TypeScript entry without an HTTP port (the projector), run like the servers. */
export const spawnBackground = (options: Omit<SpawnOptions, 'readyPath' | 'timeoutMs'>): BackgroundProcess => {
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), '--import', 'tsx', options.script], {
    cwd: repositoryRoot,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  return { pid: child.pid, stop: stopper(child) };
};

/** A TypeScript entry run by node with the tsx loader: one process, so /proc/<pid> is the server itself. */
export const spawnServer = async (options: SpawnOptions): Promise<ServerProcess> => {
  const port = Number(options.env.PORT);
  const log = openSync(options.logFile, 'a');
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), '--import', 'tsx', ...preload, options.script], {
    cwd: repositoryRoot,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  try {
    await waitUntilServing(child, `http://127.0.0.1:${port}${options.readyPath}`, options.timeoutMs ?? 60_000, options.logFile);
  } catch (error) {
    await stopper(child)(2_000);
    throw error;
  }
  return { pid: child.pid, port, stop: stopper(child) };
};

export interface LoadProcess {
  pid: number;
  /** Throws once the process has exited. */
  send(command: LoadCommand): void;
  /** Rejects if the process exits before `stop` (a crash: its stderr is in the output above). */
  died: Promise<never>;
  /** The next message of this type (a `failed` message rejects). */
  next<Type extends LoadMessage['type']>(type: Type): Promise<Extract<LoadMessage, { type: Type }>>;
  onProgress(listener: (message: Extract<LoadMessage, { type: 'progress' }>) => void): void;
  stop(): Promise<number | null>;
}

/**
 * `profileDir`: write a CPU profile of the load generator there (`--cpu-prof`). `probeFile`: its
 * event loop's figures every second, as the server's (`eventLoopProbe.ts`).
 */
export const forkLoadProcess = async (options: { maxOldSpaceMiB?: number; profileDir?: string; probeFile?: string } = {}): Promise<LoadProcess> => {
  const child = fork(path.join(import.meta.dirname, 'loadProcess.ts'), [], {
    cwd: repositoryRoot,
    env: { ...process.env, FLEET_PROBE_FILE: options.probeFile ?? '' },
    execArgv: [
      '--import',
      'tsx',
      ...(options.probeFile ? ['--import', path.join(import.meta.dirname, 'eventLoopProbe.ts')] : []),
      ...(options.maxOldSpaceMiB ? [`--max-old-space-size=${options.maxOldSpaceMiB}`] : []),
      ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error('could not start a load process');
  const waiting = new Map<string, Array<{ resolve: (message: LoadMessage) => void; reject: (error: Error) => void }>>();
  const progressListeners: Array<(message: Extract<LoadMessage, { type: 'progress' }>) => void> = [];
  const rejectAll = (error: Error) => {
    for (const queue of waiting.values()) for (const waiter of queue.splice(0)) waiter.reject(error);
  };
  child.on('message', (message: LoadMessage) => {
    if (message.type === 'progress') {
      for (const listener of progressListeners) listener(message);
      return;
    }
    if (message.type === 'failed') {
      rejectAll(new Error(`load process failed: ${message.message}`));
      return;
    }
    waiting.get(message.type)?.shift()?.resolve(message);
  });
  let stopping = false;
  let exit: string | undefined;
  let died: (error: Error) => void = () => undefined;
  const diedPromise = new Promise<never>((_resolve, reject) => {
    died = reject;
  });
  // Nobody may be waiting on it when it happens; those who race against it still see it.
  diedPromise.catch(() => undefined);
  child.on('exit', (code, signal) => {
    exit = signal === null ? `with code ${code}` : `on ${signal}`;
    const error = new Error(`load process ${child.pid} exited ${exit}`);
    rejectAll(error);
    if (!stopping) died(error);
  });
  // A send racing the exit: the exit handler reports it.
  child.on('error', () => undefined);
  const next = <Type extends LoadMessage['type']>(type: Type) =>
    new Promise<Extract<LoadMessage, { type: Type }>>((resolve, reject) => {
      if (exit !== undefined) {
        reject(new Error(`load process ${child.pid} exited ${exit}`));
        return;
      }
      const queue = waiting.get(type) ?? [];
      queue.push({ resolve: resolve as (message: LoadMessage) => void, reject });
      waiting.set(type, queue);
    });
  const ready = next('ready');
  await ready;
  return {
    pid: child.pid,
    send(command) {
      if (exit !== undefined || !child.connected) throw new Error(`load process ${child.pid} exited ${exit ?? '(channel closed)'}`);
      child.send(command);
    },
    died: diedPromise,
    next,
    onProgress: (listener) => void progressListeners.push(listener),
    async stop() {
      stopping = true;
      if (child.connected) child.send({ type: 'exit' } satisfies LoadCommand);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      try {
        return await exited(child);
      } finally {
        clearTimeout(timer);
      }
    },
  };
};
