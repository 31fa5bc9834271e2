/**
 * Preloaded by the benchmark (`--import`) into the server, without touching its code, and into
 * the load processes: every second, one JSON line in $FLEET_PROBE_FILE with the event loop's
 * utilisation (the share of time the main thread was not waiting for events: JavaScript, and
 * synchronous SQLite commits), the longest event-loop delay and the longest garbage-collection
 * pause.
 */
import { openSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.FLEET_PROBE_FILE;
// Opened once: a process out of file descriptors (the load generator in an overload) must still
// be able to write, and the probe must never be what brings its host down.
const fd = file !== undefined && file !== '' ? openSync(file, 'a') : undefined;
if (fd !== undefined) {
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  let longestGcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
  }).observe({ entryTypes: ['gc'] });
  let previous = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, previous).utilization;
    previous = now;
    const line = { at: Date.now(), utilization, maxDelayMs: delays.max / 1e6, p99DelayMs: delays.percentile(99) / 1e6, longestGcMs };
    try {
      writeSync(fd, `${JSON.stringify(line)}\n`);
    } catch {
      // A full disk loses a line of figures, nothing else.
    }
    delays.reset();
    longestGcMs = 0;
  }, 1000).unref();
}
