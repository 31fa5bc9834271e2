import path from 'node:path';
import { checkLostUpdates, walCheckpointSummary } from './accounting.js';
import { awaitQuietMachine, log, logSummary, prepareHarness, saturate, serverDescription, startFleetServer, withBaselineServer, type SaturationOutcome } from './harness.js';
import { createEndpointStats, createLedger, mergeEndpointStats, mergeLedger, type EndpointStats } from './loadStats.js';
import type { FleetOptions } from './options.js';
import type { ServerProcess } from './processes.js';
import { count, endpointTable, fixed, resourceLine } from './report.js';
import { PRODUCTION_MIX } from './saturationLoad.js';

/*
 * Saturation mode: keep-alive connections sending as fast as replies come, for a fixed time,
 * against (1) the fleet server with the production mix of worker calls, (2) a hello-world
 * Fastify route and (3) a route that only appends one event per request (group commit, FULL).
 */

const totalOf = (endpoints: Record<string, EndpointStats>): EndpointStats => {
  const total = createEndpointStats();
  for (const stats of Object.values(endpoints)) mergeEndpointStats(total, stats);
  return total;
};

const show = (title: string, outcome: SaturationOutcome): number => {
  const endpoints = outcome.stats['measured'] ?? {};
  const total = totalOf(endpoints);
  log(`\n== ${title} (${fixed(outcome.seconds, 1)} s${outcome.warmUpSeconds > 0 ? ` after a ${fixed(outcome.warmUpSeconds, 1)} s untimed warm-up` : ''})`);
  log(endpointTable(endpoints, outcome.seconds, Object.keys(endpoints).length > 1 ? total : undefined));
  log(resourceLine(outcome.resources));
  return total.calls / outcome.seconds;
};

export const runSaturationMode = async (options: FleetOptions): Promise<void> => {
  const mixShares =
    options.only === undefined
      ? `mix weights ${Object.entries(PRODUCTION_MIX)
          .map(([op, weight]) => `${op} ${weight}`)
          .join(', ')}`
      : `${options.only} alone instead of the mix`;
  const mixName = options.only === undefined ? 'production mix' : `${options.only} only`;
  log(
    `fleet benchmark, saturation mode: ${options.connections} keep-alive connections, ${options.durationSeconds} s per measurement; ` +
      `${mixShares} over ${count(options.saturationWorkers)} workers holding tasks`,
  );
  const harness = await prepareHarness(options);
  let started: ServerProcess | undefined;
  try {
    const seconds = options.durationSeconds;
    const common = { connections: options.connections, seconds, users: options.users };

    await awaitQuietMachine(options);
    const hello = await withBaselineServer(harness, 'hello server', 'bench/fleet/helloServer.ts', {}, '/hello', (port) =>
      saturate(harness, 'hello', { ...common, port, workers: 0 }, 'hello'),
    );
    const helloRate = show('baseline: Fastify hello-world route', hello);

    // The machine's speed drifts over minutes (the append-only baseline has measured from 10,600 to
    // 19,000 req/s in runs minutes apart), so the baseline and the mix alternate, round by round.
    const server = await startFleetServer(harness, options);
    started = server;
    log(`\n(fleet server pid ${server.pid}: ${serverDescription(options)}; it idles while the append-only server is measured)`);
    const rounds: Array<{ append: number; mix: number }> = [];
    const ledger = createLedger();
    for (let round = 1; round <= options.rounds; round += 1) {
      const of = options.rounds > 1 ? `, round ${round} of ${options.rounds}` : '';
      await awaitQuietMachine(options);
      const append = await withBaselineServer(
        harness,
        'append server',
        'bench/fleet/appendServer.ts',
        { APPEND_DB: path.join(harness.dir, `append-only-${round}.sqlite`) },
        '/ready',
        (port) => saturate(harness, 'append', { ...common, port, workers: 0 }, `append-${round}`),
      );
      const appendRate = show(`baseline: one event appended per request (embedded store, group commit, FULL${of})`, append);

      await awaitQuietMachine(options);
      const mix = await saturate(
        harness,
        'mix',
        {
          ...common,
          port: server.port,
          workers: options.saturationWorkers,
          firstWorker: (round - 1) * options.saturationWorkers,
          ...(options.only === undefined ? {} : { only: options.only }),
        },
        `mix-${round}`,
      );
      mergeLedger(ledger, mix.ledger);
      const mixRate = show(`fleet server: ${options.only === undefined ? 'production mix of worker calls' : `${options.only} only`}${of}`, mix);
      const endpoints = mix.stats['measured'] ?? {};
      const total = totalOf(endpoints);
      const realised = Object.entries(endpoints)
        .map(([endpoint, stats]) => `${endpoint} ${fixed((100 * stats.calls) / Math.max(1, total.calls), 0)}%`)
        .join(', ');
      log(`realised mix: ${realised}`);
      rounds.push({ append: appendRate, mix: mixRate });
    }

    log('\n== summary');
    log(`  hello-world ${count(helloRate)} req/s`);
    for (const [index, round] of rounds.entries()) {
      log(
        `  round ${index + 1}: append-only ${count(round.append)} req/s, ${mixName} ${count(round.mix)} req/s, ` +
          `${mixName} / append-only = ${fixed((100 * round.mix) / round.append, 0)}%, ${mixName} / hello-world = ${fixed((100 * round.mix) / helloRate, 0)}%`,
      );
    }
    const ratios = rounds.map((round) => round.mix / round.append).sort((a, b) => a - b);
    const median = ratios.length % 2 === 1 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
    log(
      `  ${mixName} / append-only, median of ${rounds.length} round${rounds.length > 1 ? 's' : ''}: ${fixed(100 * median, 0)}%` +
        (options.only === undefined ? ' (target ≥ 50%)' : ''),
    );

    log(`\n${await walCheckpointSummary(harness.serverUrl!)}`);
    const { lines, matches, exitCode } = await checkLostUpdates({
      baseUrl: harness.serverUrl!,
      dataDir: harness.dataDir,
      runIds: harness.runIds,
      ledger,
      stopServer: () => server.stop(),
    });
    log('\n== zero lost updates');
    for (const line of lines) log(`  ${line}`);
    log(`  zero lost updates: ${matches ? 'yes' : 'NO'}`);
    log(`\nserver exit code ${exitCode}`);
    for (const name of ['server.log', 'projector.log']) {
      const summary = logSummary(path.join(harness.dir, name));
      if (summary !== undefined) log(summary);
    }
  } finally {
    // After a failure mid-run the server is still up: it must not outlive the benchmark.
    await started?.stop();
    await harness.close();
  }
};
