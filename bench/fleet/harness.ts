import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverSample } from './accounting.js';
import { mergePhaseStats, type PhaseStats } from './loadStats.js';
import type { FleetOptions } from './options.js';
import { forkLoadProcess, freePort, spawnBackground, spawnServer, type LoadProcess, type ServerProcess } from './processes.js';
import { createResourceMonitor, waitForQuietMachine, type ResourceMonitor, type Summary } from './resourceMonitor.js';
import type { MixOp, SaturationResults, SaturationTarget } from './saturationLoad.js';
import { benchEnvironment, createRuns, createUsers } from './setup.js';
import { createLedger, mergeLedger, type GameLedger } from './loadStats.js';

/* What both modes share: a temporary data directory with accounts and runs, load processes, servers. */

export interface Harness {
  dir: string;
  dataDir: string;
  runIds: string[];
  loaders: LoadProcess[];
  monitor: ResourceMonitor;
  /** Where the fleet server listens once started (for the lag probe). */
  serverUrl: string | undefined;
  /** The fleet server's event-loop probe output, once it runs. */
  probeFile: string | undefined;
  profileDir: string;
  close(): Promise<void>;
}

export const log = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** Before a measurement: give other work on this shared machine a chance to finish, and say how busy it was. */
export const awaitQuietMachine = async (options: FleetOptions): Promise<void> => {
  if (options.quietWaitSeconds <= 0) return;
  const outcome = await waitForQuietMachine(0.3, options.quietWaitSeconds);
  log(
    outcome.quiet
      ? `(machine quiet: ${outcome.busyCores.toFixed(2)} cores busy${outcome.waitedSeconds > 3.5 ? ` after waiting ${outcome.waitedSeconds.toFixed(0)} s` : ''})`
      : `(machine still busy after ${outcome.waitedSeconds.toFixed(0)} s: ${outcome.busyCores.toFixed(2)} cores used by other work; figures below are depressed by it)`,
  );
};

export const prepareHarness = async (options: FleetOptions): Promise<Harness> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fishtest-es-fleet-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const started = performance.now();
  createUsers(dataDir, options.users);
  const runIds = await createRuns(dataDir, options.runs);
  log(`set-up: ${options.users} accounts (operator CLI) and ${runIds.length} approved runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const openFiles = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'latin1'))?.[1];
  if (openFiles !== undefined) log(`open-file limit of every process here: ${Number(openFiles).toLocaleString('en-US')} (a socket per call in flight, on both sides)`);
  const profileDir = path.join(dir, 'profile');
  const loadProbeFiles = Array.from({ length: options.loaders }, (_, n) => path.join(dir, `load-event-loop-${n}.jsonl`));
  const loaders = await Promise.all(
    loadProbeFiles.map((probeFile) =>
      forkLoadProcess({
        probeFile,
        maxOldSpaceMiB: options.workers + options.burst > 50_000 ? 8192 : 4096,
        ...(options.profile ? { profileDir } : {}),
      }),
    ),
  );
  const harness: Harness = {
    dir,
    dataDir,
    runIds,
    loaders,
    serverUrl: undefined,
    probeFile: undefined,
    profileDir,
    monitor: createResourceMonitor({
      sample: async () => (harness.serverUrl === undefined ? undefined : serverSample(harness.serverUrl)),
      probeFiles: () => ({
        ...(harness.probeFile === undefined ? {} : { server: [harness.probeFile] }),
        'load generator': loadProbeFiles,
      }),
    }),
    async close() {
      harness.monitor.stop();
      await Promise.all(loaders.map((loader) => loader.stop()));
      if (options.keep || options.profile) log(`kept ${options.profile ? harness.profileDir : dir}`);
      if (!options.keep) rmSync(options.profile ? dataDir : dir, { recursive: true, force: true });
    },
  };
  loaders.forEach((loader, n) => harness.monitor.watch(loaders.length === 1 ? 'load generator' : `load generator ${n}`, loader.pid));
  return harness;
};

const PLACEMENTS: Record<FleetOptions['projections'], string> = {
  thread: 'on a worker thread of the server',
  inline: "on the server's event loop",
  process: 'in a separate projector process',
};

export const serverDescription = (options: FleetOptions): string =>
  `SQLite, synchronous=${options.synchronous}, projections ${PLACEMENTS[options.projections]}, ` +
  `TRUST_PROXY=true, LOG_LEVEL=${options.logLevel}` +
  (options.requestTaskConcurrency === undefined ? '' : `, REQUEST_TASK_CONCURRENCY=${options.requestTaskConcurrency}`);

/** Warnings and errors the server (or projector) logged: how many, and the most frequent messages. */
export const logSummary = (file: string): string | undefined => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const messages = new Map<string, number>();
  let warnings = 0;
  let errors = 0;
  let other = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: { level?: number; msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      other += 1;
      messages.set(line.slice(0, 160), (messages.get(line.slice(0, 160)) ?? 0) + 1);
      continue;
    }
    if ((entry.level ?? 0) < 40) continue;
    if ((entry.level ?? 0) >= 50) errors += 1;
    else warnings += 1;
    const message = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 160);
    messages.set(message, (messages.get(message) ?? 0) + 1);
  }
  if (warnings + errors + other === 0) return undefined;
  const top = [...messages.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([message, times]) => `    ${times}× ${message}`)
    .join('\n');
  return `${path.basename(file)}: ${errors} errors, ${warnings} warnings${other > 0 ? `, ${other} other lines` : ''}\n${top}`;
};

/** The fleet server (and the projector when projections run apart); `stop` stops both. */
export const startFleetServer = async (harness: Harness, options: FleetOptions): Promise<ServerProcess> => {
  const port = await freePort();
  const probeFile = path.join(harness.dir, 'event-loop.jsonl');
  const stores = { SQLITE_SYNCHRONOUS: options.synchronous, LOG_LEVEL: options.logLevel };
  const profiled = options.profile ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${harness.profileDir}`] } : {};
  const projector = options.projections === 'process'
    ? spawnBackground({ script: 'src/projector.ts', env: benchEnvironment(harness.dataDir, stores), logFile: path.join(harness.dir, 'projector.log'), ...profiled })
    : undefined;
  if (projector) harness.monitor.watch('projector', projector.pid);
  const server = await spawnServer({
    script: 'src/main.ts',
    env: benchEnvironment(harness.dataDir, {
      ...stores,
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: 'true',
      FLEET_PROBE_FILE: probeFile,
      RUN_PROJECTIONS: { thread: 'thread', inline: 'inline', process: 'off' }[options.projections],
      ...(options.requestTaskConcurrency === undefined ? {} : { REQUEST_TASK_CONCURRENCY: String(options.requestTaskConcurrency) }),
    }),
    logFile: path.join(harness.dir, 'server.log'),
    readyPath: '/health',
    preload: [path.join(import.meta.dirname, 'eventLoopProbe.ts')],
    ...profiled,
    timeoutMs: 120_000,
  });
  harness.serverUrl = `http://127.0.0.1:${port}`;
  harness.probeFile = probeFile;
  harness.monitor.watch('server', server.pid);
  if (projector === undefined) return server;
  return {
    ...server,
    async stop(graceMs) {
      const code = await server.stop(graceMs);
      await projector.stop(graceMs);
      return code;
    },
  };
};

export interface SaturationOutcome {
  stats: PhaseStats;
  ledger: GameLedger;
  seconds: number;
  warmUpSeconds: number;
  resources: Summary;
}

/** One saturation measurement spread over the load processes (connections and workers split evenly). */
export const saturate = async (
  harness: Harness,
  target: SaturationTarget,
  settings: { port: number; connections: number; seconds: number; workers: number; users: number; firstWorker?: number; only?: MixOp },
  label: string,
): Promise<SaturationOutcome> => {
  const { loaders } = harness;
  const share = (total: number, n: number) => Math.floor(total / loaders.length) + (n < total % loaders.length ? 1 : 0);
  let firstWorker = settings.firstWorker ?? 0;
  const warmed = loaders.map((loader) => loader.next('saturation-warmed'));
  const pending = loaders.map((loader, n) => {
    const workers = share(settings.workers, n);
    const done = loader.next('saturation-done');
    loader.send({
      type: 'saturate',
      settings: {
        port: settings.port,
        target,
        connections: share(settings.connections, n),
        seconds: settings.seconds,
        users: settings.users,
        firstWorker,
        workers,
        ...(settings.only === undefined ? {} : { only: settings.only }),
      },
    });
    firstWorker += workers;
    return done;
  });
  await Promise.all(warmed);
  harness.monitor.mark(`${label}:start`);
  for (const loader of loaders) loader.send({ type: 'go' });
  const results: SaturationResults[] = (await Promise.all(pending)).map((message) => message.results);
  harness.monitor.mark(`${label}:end`);
  const stats: PhaseStats = {};
  const ledger = createLedger();
  for (const result of results) {
    mergePhaseStats(stats, result.stats);
    mergeLedger(ledger, result.ledger);
  }
  return {
    stats,
    ledger,
    seconds: Math.max(...results.map((result) => result.seconds)),
    warmUpSeconds: Math.max(...results.map((result) => result.warmUpSeconds)),
    resources: harness.monitor.summary(`${label}:start`, `${label}:end`),
  };
};

/** A baseline server (hello or append-only) for the length of `measure`. */
export const withBaselineServer = async <T>(
  harness: Harness,
  name: string,
  script: string,
  extraEnv: Record<string, string>,
  readyPath: string,
  measure: (port: number) => Promise<T>,
): Promise<T> => {
  const port = await freePort();
  const server = await spawnServer({
    script,
    env: { ...process.env, PORT: String(port), ...extraEnv },
    logFile: path.join(harness.dir, `${name}.log`),
    readyPath,
  });
  harness.monitor.watch(name, server.pid);
  try {
    return await measure(port);
  } finally {
    await server.stop(5_000);
  }
};
