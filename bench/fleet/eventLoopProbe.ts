/**
 * Preloaded into the server by the benchmark (`--import`), without touching its code: every
 * second, one JSON line in $FLEET_PROBE_FILE with the event loop's utilisation (the share of
 * time the main thread was not waiting for events: JavaScript, and synchronous SQLite commits
 * including their fsync) and the longest event-loop delay.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.FLEET_PROBE_FILE;
if (file !== undefined && file !== '') {
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  let previous = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, previous).utilization;
    previous = now;
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), utilization, maxDelayMs: delays.max / 1e6, p99DelayMs: delays.percentile(99) / 1e6 })}\n`);
    delays.reset();
  }, 1000).unref();
}
