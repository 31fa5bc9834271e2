import { percentileMs, type Histogram } from './histogram.js';
import { errorsOf, type EndpointStats } from './loadStats.js';
import type { Summary } from './resourceMonitor.js';

/* Plain-text tables for the benchmark's output. */

export const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string => {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
};

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

export const ms = (histogram: Histogram, fraction: number): string => {
  const value = percentileMs(histogram, fraction);
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
};

const ENDPOINT_ORDER = ['request_version', 'request_task', 'update_task', 'beat', 'upload_pgn', 'failed_task'];

const endpointRank = (name: string): number => {
  const rank = ENDPOINT_ORDER.indexOf(name);
  return rank < 0 ? ENDPOINT_ORDER.length : rank;
};

/** One row per endpoint: rate over `seconds`, latency percentiles, failures. */
export const endpointTable = (endpoints: Record<string, EndpointStats>, seconds: number, total?: EndpointStats): string => {
  const rows = Object.entries(endpoints)
    .sort(([a], [b]) => endpointRank(a) - endpointRank(b) || a.localeCompare(b))
    .map(([name, stats]) => endpointRow(name, stats, seconds));
  if (total !== undefined) rows.push(endpointRow('all', total, seconds));
  return table(['endpoint', 'calls', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'no fd', 'too busy', 'soft err'], rows);
};

const endpointRow = (name: string, stats: EndpointStats, seconds: number): string[] => [
  name,
  count(stats.calls),
  fixed(stats.calls / seconds, 0),
  ms(stats.latency, 0.5),
  ms(stats.latency, 0.95),
  ms(stats.latency, 0.99),
  fixed(stats.latency.maxUs / 1000, 0),
  errorsOf(stats) === 0 ? '0' : `${count(errorsOf(stats))} (${stats.transportErrors} net, ${stats.serverErrors} 5xx, ${stats.rejected} 4xx)`,
  count(stats.localErrors),
  count(stats.tooBusy),
  count(stats.softErrors),
];

export const resourceLine = (summary: Summary): string => {
  const parts = Object.entries(summary.cores)
    .filter(([name]) => name !== 'orchestrator' || summary.cores[name]! >= 0.01)
    .map(([name, cores]) => {
      const main = summary.mainThreadCores[name];
      const details = [
        ...(main === undefined ? [] : [`main thread ${fixed(main, 2)}`]),
        ...(summary.maxRssMiB[name] ? [`RSS max ${fixed(summary.maxRssMiB[name], 0)} MiB`] : []),
      ];
      return `${name} ${fixed(cores, 2)} cores${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
    });
  const lag = summary.maxProjectionLag === undefined ? '' : `; projection lag max ${count(summary.maxProjectionLag)} events`;
  const loop = Object.entries(summary.eventLoops)
    .map(
      ([role, figures]) =>
        `\n${role} event loop: busy ${fixed(100 * figures.utilization, 0)}% of the time, longest stall ${fixed(figures.maxDelayMs, 0)} ms, longest GC pause ${fixed(figures.longestGcMs, 0)} ms`,
    )
    .join('');
  const overflows = summary.listenOverflows > 0 ? `; listen-queue overflows ${count(summary.listenOverflows)} (SYNs dropped: retried after 1, 3, 7 s)` : '';
  const syncs = summary.logSyncs;
  const syncLine =
    syncs === undefined || syncs.count === 0
      ? ''
      : `\nevent log syncs (fdatasync): ${count(syncs.count)}, mean ${fixed(syncs.totalMs / syncs.count, 1)} ms, ` +
        `over 50 ms ${count(syncs.slowerThanMs['50'] ?? 0)}, over 100 ms ${count(syncs.slowerThanMs['100'] ?? 0)}, ` +
        `over 250 ms ${count(syncs.slowerThanMs['250'] ?? 0)} (longest of the whole run so far ${fixed(syncs.maxMs, 0)} ms)`;
  return `CPU: ${parts.join(', ')}; machine busy ${fixed(summary.machineCores, 2)} of 2 cores, other work on the machine ${fixed(summary.foreignCores, 2)}${lag}${overflows}${loop}${syncLine}`;
};

/** The last interval's CPU and event loops, to see which side runs out first as the fleet grows. */
export const intervalLine = (summary: Summary): string => {
  const cores = (prefix: string): string =>
    fixed(Object.entries(summary.cores).reduce((sum, [name, value]) => (name.startsWith(prefix) ? sum + value : sum), 0), 2);
  const loop = (role: string): string => {
    const figures = summary.eventLoops[role];
    return figures === undefined ? '?' : `${fixed(100 * figures.utilization, 0)}% busy, stall ${fixed(figures.maxDelayMs, 0)} ms`;
  };
  return (
    `cores: machine ${fixed(summary.machineCores, 2)}, server ${cores('server')} (main ${fixed(summary.mainThreadCores['server'] ?? Number.NaN, 2)}), ` +
    `load generator ${cores('load generator')}; event loop: server ${loop('server')}, load generator ${loop('load generator')}` +
    (summary.listenOverflows > 0 ? `; listen-queue overflows ${count(summary.listenOverflows)}` : '')
  );
};
