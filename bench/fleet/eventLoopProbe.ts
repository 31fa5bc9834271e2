/**
 * Preloaded by the benchmark (`--import`) into the server, without touching its code, and into
 * the load processes: every second, one JSON line in $FLEET_PROBE_FILE with the event loop's
 * utilisation (the share of time the main thread was not waiting for events: JavaScript, and
 * synchronous SQLite commits), the longest event-loop delay and the longest garbage-collection
 * pause.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.FLEET_PROBE_FILE;
if (file !== undefined && file !== '') {
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
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    delays.reset();
    longestGcMs = 0;
  }, 1000).unref();
}
