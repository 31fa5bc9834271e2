import { statSync } from 'node:fs';
import path from 'node:path';
import { checkLostUpdates, walCheckpointSummary } from './accounting.js';
import type { FleetResults } from './cadenceFleet.js';
import { awaitQuietMachine, log, logSummary, prepareHarness, saturate, serverDescription, startFleetServer, withBaselineServer, type Harness } from './harness.js';
import { percentileMs } from './histogram.js';
import {
  createEndpointStats,
  createLedger,
  mergeEndpointStats,
  mergeJoinStats,
  mergeLedger,
  mergePhaseStats,
  type EndpointStats,
  type JoinStats,
  type PhaseStats,
} from './loadStats.js';
import type { FleetOptions } from './options.js';
import type { ServerProcess } from './processes.js';
import type { FleetProgress } from './cadenceFleet.js';
import { count, endpointTable, fixed, intervalLine, resourceLine } from './report.js';

/*
 * Cadence mode: the real server on a fresh data directory, a fleet ramping up at production
 * cadence (compressed by --speed), a steady state, a burst of joining workers; then the
 * "zero lost updates" check. The hello-world route is measured first, in the same run.
 */

/** Waits through a phase, unless a load process dies meanwhile (then the run stops with its error). */
const runPhase = (harness: Harness, ms: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    for (const loader of harness.loaders) {
      loader.died.catch((error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    }
  });

/** Production at 9,400 workers (worker-protocol.md): requests per second per worker. */
const PRODUCTION_PER_WORKER: Record<string, number> = {
  beat: 83 / 9400,
  request_version: 18 / 9400,
  update_task: 7.4 / 9400,
};

const totalOf = (endpoints: Record<string, EndpointStats>): EndpointStats => {
  const total = createEndpointStats();
  for (const stats of Object.values(endpoints)) mergeEndpointStats(total, stats);
  return total;
};

const measureHello = async (harness: Harness, options: FleetOptions): Promise<void> => {
  await withBaselineServer(harness, 'hello server', 'bench/fleet/helloServer.ts', {}, '/hello', async (port) => {
    for (const [target, connections] of [
      ['hello-close', 64],
      ['hello', options.connections],
    ] as const) {
      const outcome = await saturate(harness, target, { port, connections, seconds: options.helloSeconds, workers: 0, users: options.users }, target);
      const endpoints = outcome.stats['measured'] ?? {};
      log(endpointTable(endpoints, outcome.seconds).split('\n').slice(target === 'hello-close' ? 0 : 1).join('\n'));
      log(`  ${connections} concurrent clients, ${fixed(outcome.seconds, 1)} s. ${resourceLine(outcome.resources)}`);
    }
  });
};

/** Live progress every 10 s: what the load processes report and what the monitor sees. */
const startProgress = (harness: Harness, phase: () => string): (() => void) => {
  const latest = new Map<number, FleetProgress>();
  harness.loaders.forEach((loader, n) => loader.onProgress((message) => latest.set(n, message.progress)));
  const started = performance.now();
  let lastCalls = 0;
  let lastAt = started;
  let tick = 0;
  harness.monitor.mark('progress:0');
  const timer = setInterval(() => {
    tick += 1;
    harness.monitor.mark(`progress:${tick}`);
    const sum = { started: 0, withTask: 0, quit: 0, inFlight: 0, calls: 0 };
    for (const progress of latest.values()) {
      sum.started += progress.started;
      sum.withTask += progress.withTask;
      sum.quit += progress.quit;
      sum.inFlight += progress.inFlight;
      sum.calls += progress.calls;
    }
    const now = performance.now();
    const rate = ((sum.calls - lastCalls) * 1000) / (now - lastAt);
    lastCalls = sum.calls;
    lastAt = now;
    const { rssMiB, lag } = harness.monitor.latest();
    log(
      `  t=${fixed((now - started) / 1000, 0)}s ${phase()}: workers ${count(sum.started)}, with a task ${count(sum.withTask)}, ` +
        `in flight ${count(sum.inFlight)}, ${fixed(rate, 0)} req/s, server RSS ${fixed(rssMiB['server'] ?? Number.NaN, 0)} MiB, ` +
        `projection lag ${lag === undefined ? '?' : count(lag)}, ${walSizes(harness.dataDir)}${sum.quit > 0 ? `, quit ${sum.quit}` : ''}` +
        `\n      ${intervalLine(harness.monitor.summary(`progress:${tick - 1}`, `progress:${tick}`))}`,
    );
  }, 10_000);
  return () => clearInterval(timer);
};

/** Sizes of the server's SQLite WAL files: they grow when checkpoints cannot catch up with the writes. */
const walSizes = (dataDir: string): string => {
  const sizeMiB = (file: string): string => {
    try {
      return fixed(statSync(path.join(dataDir, file)).size / 2 ** 20, 0);
    } catch {
      return '-';
    }
  };
  return `WAL: log ${sizeMiB('events.sqlite-wal')} MiB, read models ${sizeMiB('read.sqlite-wal')} MiB`;
};

/** Splits workers first…first+count−1 over the load processes in contiguous ranges. */
const join = (harness: Harness, first: number, total: number, withinMs: number, cohort: string, warm: boolean): void => {
  const { loaders } = harness;
  let next = first;
  loaders.forEach((loader, n) => {
    const share = Math.floor(total / loaders.length) + (n < total % loaders.length ? 1 : 0);
    loader.send({ type: 'join', first: next, count: share, withinMs, cohort, warm });
    next += share;
  });
};

const printJoins = (joins: JoinStats, speed: number): void => {
  for (const [cohort, stats] of Object.entries(joins)) {
    const p = (fraction: number) => fixed((percentileMs(stats.timeToTask, fraction) * speed) / 1000, 0);
    log(
      `  ${cohort}: ${count(stats.gotTask)} of ${count(stats.joined)} workers got a task; time to the first task ` +
        `p50 ${p(0.5)} s, p95 ${p(0.95)} s, max ${fixed((stats.timeToTask.maxUs / 1e6) * speed, 0)} s (production seconds, ×${speed} of wall time)`,
    );
  }
};

export const runCadence = async (options: FleetOptions): Promise<void> => {
  const fleetTotal = options.workers + options.burst;
  log(
    `fleet benchmark, cadence mode: ${count(options.workers)} workers over ${options.rampSeconds} s, ${options.steadySeconds} s steady, ` +
      `burst of ${count(options.burst)} within ${fixed(60 / options.speed, 1)} s; time compression ×${options.speed} ` +
      `(request rates as a fleet of ${count(options.workers * options.speed)} workers at production pace)`,
  );
  const harness = await prepareHarness(options);
  let phase = 'hello';
  let stopProgress: (() => void) | undefined;
  let server: ServerProcess | undefined;
  try {
    log('\n== baseline: Fastify hello-world route (same machine, before the server starts)');
    await awaitQuietMachine(options);
    await measureHello(harness, options);

    const running = await startFleetServer(harness, options);
    server = running;
    await awaitQuietMachine(options);
    log(`\n== server pid ${running.pid} on ${harness.serverUrl} (${serverDescription(options)})`);
    for (const loader of harness.loaders) {
      loader.send({ type: 'fleet-start', settings: { port: running.port, users: options.users, speed: options.speed, pgnBytesPerGame: options.pgnBytesPerGame } });
    }
    stopProgress = startProgress(harness, () => phase);
    const setPhase = (name: string) => {
      phase = name;
      harness.monitor.mark(name);
      for (const loader of harness.loaders) loader.send({ type: 'phase', name });
    };

    const phases: Array<{ name: string; title: string }> = [];
    setPhase('ramp');
    phases.push({ name: 'ramp', title: `ramp: 0 → ${count(options.workers)} workers in ${options.rampSeconds} s` });
    join(harness, 0, options.workers, options.rampSeconds * 1000, 'fleet', !options.coldStart);
    await runPhase(harness, options.rampSeconds * 1000);
    if (options.steadySeconds > 0) {
      setPhase('steady');
      phases.push({ name: 'steady', title: `steady state: ${count(options.workers)} workers` });
      await runPhase(harness, options.steadySeconds * 1000);
    }
    if (options.burst > 0) {
      setPhase('burst');
      const windowMs = 60_000 / options.speed;
      phases.push({
        name: 'burst',
        title: `burst: ${count(options.burst)} more workers join within ${fixed(windowMs / 1000, 1)} s (fleet → ${count(fleetTotal)}), measured ${fixed(windowMs / 1000 + options.burstSettleSeconds, 0)} s`,
      });
      join(harness, options.workers, options.burst, windowMs, 'burst', false);
      await runPhase(harness, windowMs + options.burstSettleSeconds * 1000);
    }
    setPhase('drain');
    const results: FleetResults[] = await Promise.all(
      harness.loaders.map(async (loader) => {
        const done = loader.next('fleet-done');
        loader.send({ type: 'fleet-stop' });
        return (await done).results;
      }),
    );
    harness.monitor.mark('stopped');
    stopProgress();
    stopProgress = undefined;

    const stats: PhaseStats = {};
    const ledger = createLedger();
    const joins: JoinStats = {};
    let quit = 0;
    for (const result of results) {
      mergePhaseStats(stats, result.stats);
      mergeLedger(ledger, result.ledger);
      mergeJoinStats(joins, result.joins);
      quit += result.progress.quit;
    }

    const marks = phases.map((p) => p.name).concat('drain');
    phases.forEach(({ name, title }, n) => {
      const summary = harness.monitor.summary(name, marks[n + 1]!);
      const endpoints = stats[name] ?? {};
      log(`\n== ${title} (${fixed(summary.seconds, 1)} s)`);
      log(endpointTable(endpoints, summary.seconds, totalOf(endpoints)));
      log(resourceLine(summary));
      if (name === 'steady') {
        const shares = Object.entries(PRODUCTION_PER_WORKER)
          .map(([endpoint, perWorker]) => {
            const measured = (endpoints[endpoint]?.calls ?? 0) / summary.seconds;
            return `${endpoint} ${fixed(measured, 0)}/s (production pace × ${options.speed}: ${fixed(perWorker * options.workers * options.speed, 0)}/s)`;
          })
          .join(', ');
        log(`mix against production's per-worker rates: ${shares}`);
      }
    });
    const drain = totalOf(stats['drain'] ?? {});
    log(`\n(after the stop: ${count(drain.calls)} calls in flight completed, ${count(drain.transportErrors)} of them failed)`);
    log('\n== workers');
    printJoins(joins, options.speed);
    if (quit > 0) log(`  ${quit} workers quit (an error reply to request_version)`);

    log(`\n${await walCheckpointSummary(harness.serverUrl!)}`);
    log('\n== zero lost updates');
    const { lines, matches, finished, exitCode } = await checkLostUpdates({
      baseUrl: harness.serverUrl!,
      dataDir: harness.dataDir,
      runIds: harness.runIds,
      ledger,
      stopServer: () => running.stop(),
    });
    for (const line of lines) log(`  ${line}`);
    log(`  zero lost updates: ${matches ? 'yes' : 'NO'}; ${finished} of ${harness.runIds.length} runs finished during the benchmark`);
    log(`\nserver exit code ${exitCode}`);
    for (const name of ['server.log', 'projector.log']) {
      const summary = logSummary(path.join(harness.dir, name));
      if (summary !== undefined) log(summary);
    }
  } finally {
    stopProgress?.();
    // After a failure mid-run the server is still up: it must not outlive the benchmark.
    await server?.stop();
    await harness.close();
  }
};
