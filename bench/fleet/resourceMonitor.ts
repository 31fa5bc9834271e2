import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DurationStats } from '../../src/stores/sqlite/durationStats.js';

/*
 * CPU and memory of the processes taking part (from /proc/<pid>), the machine's total busy CPU
 * (from /proc/stat, so that other work on this shared machine shows up as "foreign"), and the
 * projection lag, sampled every second and summarised between two marks.
 */

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User plus system ticks from a `/proc/.../stat` line. */
const statTicks = (file: string): number => {
  const stat = readFileSync(file, 'latin1');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

/** `mainThreadTicks`: the thread running the event loop (its id is the process id). */
const processTicks = (pid: number): { ticks: number; mainThreadTicks: number; rssKiB: number } | undefined => {
  try {
    const ticks = statTicks(`/proc/${pid}/stat`);
    const mainThreadTicks = statTicks(`/proc/${pid}/task/${pid}/stat`);
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    return { ticks, mainThreadTicks, rssKiB: Number(rss?.[1] ?? 0) };
  } catch {
    return undefined;
  }
};

const machineTicks = (): { busy: number; total: number } => {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
};

/**
 * Waits until the machine's busy CPU stays under `maxCores` for 3 s in a row (this machine is
 * shared), or `maxSeconds` pass; returns the busy cores of the last 3 s.
 */
export const waitForQuietMachine = async (maxCores: number, maxSeconds: number): Promise<{ quiet: boolean; busyCores: number; waitedSeconds: number }> => {
  const started = performance.now();
  const window: number[] = [];
  let previous = machineTicks();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = machineTicks();
    window.push((now.busy - previous.busy) / ticksPerSecond / 0.5);
    previous = now;
    if (window.length > 6) window.shift();
    const busyCores = window.reduce((sum, value) => sum + value, 0) / window.length;
    const waitedSeconds = (performance.now() - started) / 1000;
    if (window.length === 6 && busyCores < maxCores) return { quiet: true, busyCores, waitedSeconds };
    if (waitedSeconds >= maxSeconds) return { quiet: false, busyCores, waitedSeconds };
  }
};

/** Kernel TCP counters of this network namespace (loopback included; other work on the machine counts too). */
const tcpCounters = (): { listenOverflows: number } => {
  try {
    const lines = readFileSync('/proc/net/netstat', 'latin1').split('\n');
    const header = lines.findIndex((line) => line.startsWith('TcpExt:'));
    const names = lines[header]?.split(/\s+/) ?? [];
    const values = lines[header + 1]?.split(/\s+/) ?? [];
    return { listenOverflows: Number(values[names.indexOf('ListenOverflows')] ?? 0) };
  } catch {
    return { listenOverflows: 0 };
  }
};

interface Snapshot {
  at: number;
  listenOverflows: number;
  /** Wall clock, to match the event-loop probe's lines. */
  wallMs: number;
  /** CPU seconds per watched process (the orchestrator's own from process.cpuUsage). */
  cpu: Record<string, number>;
  /** CPU seconds of each watched process's main thread. */
  mainThreadCpu: Record<string, number>;
  machineBusySeconds: number;
}

export interface Summary {
  seconds: number;
  /** Average cores used, per watched process. */
  cores: Record<string, number>;
  /** The part of `cores` used by the thread running the event loop (the rest: worker threads, libuv's pool, GC helpers). */
  mainThreadCores: Record<string, number>;
  maxRssMiB: Record<string, number>;
  /** Busy cores of the whole machine, and the part not used by the watched processes. */
  machineCores: number;
  foreignCores: number;
  maxProjectionLag: number | undefined;
  /** The event log's syncs during the period (from /health), when the server reports them. */
  logSyncs?: DurationStats;
  /** Connections the kernel dropped because a listen queue was full (the client resends its SYN after 1, 3, 7… s). */
  listenOverflows: number;
  /**
   * Event loops by role ('server', 'load generator'), from their probes: mean utilisation, the
   * longest delay and GC pause. A stall of the load generator delays every call it has in flight,
   * so it shows in the latencies as if the server had stalled.
   */
  eventLoops: Record<string, EventLoopFigures>;
}

export interface ResourceMonitor {
  watch(name: string, pid: number): void;
  mark(label: string): void;
  summary(from: string, to: string): Summary;
  /** Latest sample line for progress output. */
  latest(): { rssMiB: Record<string, number>; lag: number | undefined };
  stop(): void;
}

export interface EventLoopFigures {
  utilization: number;
  maxDelayMs: number;
  longestGcMs: number;
}

interface ProbeLine {
  at: number;
  utilization: number;
  maxDelayMs: number;
  longestGcMs?: number;
}

const probeLines = (file: string): ProbeLine[] => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return []; // not written yet
  }
  const lines: ProbeLine[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line !== '') lines.push(JSON.parse(line) as ProbeLine);
    } catch {
      // the line being written right now
    }
  }
  return lines;
};

/** The figures of one role's probes over a period (several load processes: their mean utilisation, the longest stall). */
const readProbes = (files: readonly string[], fromMs: number, toMs: number): EventLoopFigures | undefined => {
  const lines = files.flatMap(probeLines).filter((line) => line.at > fromMs && line.at <= toMs + 500);
  if (lines.length === 0) return undefined;
  return {
    utilization: lines.reduce((sum, line) => sum + line.utilization, 0) / lines.length,
    maxDelayMs: Math.max(...lines.map((line) => line.maxDelayMs)),
    longestGcMs: Math.max(...lines.map((line) => line.longestGcMs ?? 0)),
  };
};

/** The durations recorded between two cumulative readings (the longest is the whole run's). */
const durationsBetween = (before: DurationStats | undefined, after: DurationStats): DurationStats => ({
  count: after.count - (before?.count ?? 0),
  totalMs: after.totalMs - (before?.totalMs ?? 0),
  maxMs: after.maxMs,
  slowerThanMs: Object.fromEntries(
    Object.entries(after.slowerThanMs).map(([threshold, n]) => [threshold, n - (before?.slowerThanMs[threshold] ?? 0)]),
  ),
});

export const createResourceMonitor = (options: {
  /** One /health reading: the projection lag, and the log's cumulative sync times. */
  sample?: () => Promise<{ lag: number; logSyncs?: DurationStats } | undefined>;
  /** Event-loop probe files by role, once the processes writing them run. */
  probeFiles?: () => Record<string, readonly string[]>;
  intervalMs?: number;
}): ResourceMonitor => {
  const watched = new Map<string, number>();
  const marks = new Map<string, Snapshot>();
  const rssSamples: Array<{ at: number; rss: Record<string, number> }> = [];
  const lagSamples: Array<{ at: number; lag: number }> = [];
  const syncSamples: Array<{ at: number; stats: DurationStats }> = [];
  let latestRss: Record<string, number> = {};
  let latestLag: number | undefined;

  const snapshot = (): Snapshot => {
    const cpu: Record<string, number> = {};
    const mainThreadCpu: Record<string, number> = {};
    const rss: Record<string, number> = {};
    for (const [name, pid] of watched) {
      const sample = processTicks(pid);
      if (sample === undefined) continue;
      cpu[name] = sample.ticks / ticksPerSecond;
      mainThreadCpu[name] = sample.mainThreadTicks / ticksPerSecond;
      rss[name] = sample.rssKiB / 1024;
    }
    const own = process.cpuUsage();
    cpu['orchestrator'] = (own.user + own.system) / 1e6;
    rss['orchestrator'] = process.memoryUsage.rss() / 1024 / 1024;
    const at = performance.now();
    rssSamples.push({ at, rss });
    latestRss = rss;
    return { at, wallMs: Date.now(), cpu, mainThreadCpu, machineBusySeconds: machineTicks().busy / ticksPerSecond, listenOverflows: tcpCounters().listenOverflows };
  };

  let probing = false;
  const timer = setInterval(() => {
    snapshot();
    if (options.sample === undefined || probing) return;
    probing = true;
    options
      .sample()
      .then((sample) => {
        latestLag = sample?.lag;
        const at = performance.now();
        if (sample !== undefined) lagSamples.push({ at, lag: sample.lag });
        if (sample?.logSyncs !== undefined) syncSamples.push({ at, stats: sample.logSyncs });
      })
      .catch(() => undefined)
      .finally(() => {
        probing = false;
      });
  }, options.intervalMs ?? 1000);

  return {
    watch(name, pid) {
      watched.set(name, pid);
    },
    mark(label) {
      marks.set(label, snapshot());
    },
    summary(from, to) {
      const a = marks.get(from);
      const b = marks.get(to);
      if (a === undefined || b === undefined) throw new Error(`no marks ${from} and ${to}`);
      const seconds = (b.at - a.at) / 1000;
      const cores: Record<string, number> = {};
      let ours = 0;
      for (const [name, end] of Object.entries(b.cpu)) {
        const start = a.cpu[name] ?? 0;
        cores[name] = (end - start) / seconds;
        ours += cores[name];
      }
      const mainThreadCores: Record<string, number> = {};
      for (const [name, end] of Object.entries(b.mainThreadCpu)) mainThreadCores[name] = (end - (a.mainThreadCpu[name] ?? 0)) / seconds;
      const maxRssMiB: Record<string, number> = {};
      for (const sample of rssSamples) {
        if (sample.at < a.at || sample.at > b.at) continue;
        for (const [name, rss] of Object.entries(sample.rss)) maxRssMiB[name] = Math.max(maxRssMiB[name] ?? 0, rss);
      }
      const lags = lagSamples.filter((sample) => sample.at >= a.at && sample.at <= b.at).map((sample) => sample.lag);
      const machineCores = (b.machineBusySeconds - a.machineBusySeconds) / seconds;
      // Cumulative counters: the last reading before the period against the last one in it.
      const before = syncSamples.filter((sample) => sample.at <= a.at).at(-1)?.stats;
      const within = syncSamples.filter((sample) => sample.at <= b.at).at(-1)?.stats;
      const logSyncs = within === undefined ? undefined : durationsBetween(before, within);
      const eventLoops: Record<string, EventLoopFigures> = {};
      for (const [role, files] of Object.entries(options.probeFiles?.() ?? {})) {
        const figures = readProbes(files, a.wallMs, b.wallMs);
        if (figures !== undefined) eventLoops[role] = figures;
      }
      return {
        seconds,
        cores,
        mainThreadCores,
        maxRssMiB,
        machineCores,
        foreignCores: Math.max(0, machineCores - ours),
        maxProjectionLag: lags.length === 0 ? undefined : Math.max(...lags),
        listenOverflows: b.listenOverflows - a.listenOverflows,
        eventLoops,
        ...(logSyncs === undefined ? {} : { logSyncs }),
      };
    },
    latest: () => ({ rssMiB: latestRss, lag: latestLag }),
    stop() {
      clearInterval(timer);
    },
  };
};
