import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createResourceMonitor } from '../../../bench/fleet/resourceMonitor.js';
import { makeTempDir } from '../../support/tempDir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fleet benchmark resource monitor: event-loop probes', () => {
  let temp: ReturnType<typeof makeTempDir> | undefined;
  afterEach(() => {
    temp?.remove();
    temp = undefined;
  });

  it('sums up each role over a phase: mean utilisation of its processes, longest stall and GC pause', async () => {
    temp = makeTempDir('fleet-monitor-');
    const { dir } = temp;
    const server = path.join(dir, 'server.jsonl');
    const loaders = [path.join(dir, 'load-0.jsonl'), path.join(dir, 'load-1.jsonl'), path.join(dir, 'never-written.jsonl')];
    const write = (file: string, line: object) => appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...line })}\n`);
    const monitor = createResourceMonitor({ probeFiles: () => ({ server: [server], 'load generator': loaders }), intervalMs: 10_000 });
    try {
      write(server, { utilization: 0.99, maxDelayMs: 999, longestGcMs: 99 }); // before the phase
      await sleep(20);
      monitor.mark('steady');
      await sleep(20);
      write(server, { utilization: 0.5, maxDelayMs: 40, longestGcMs: 3 });
      write(server, { utilization: 0.7, maxDelayMs: 12, longestGcMs: 9 });
      write(loaders[0]!, { utilization: 0.2, maxDelayMs: 300, longestGcMs: 51 });
      write(loaders[1]!, { utilization: 0.4, maxDelayMs: 10, longestGcMs: 2 });
      appendFileSync(loaders[1]!, '{"at":'); // the line its process is writing right now
      await sleep(20);
      monitor.mark('end');
      const { eventLoops } = monitor.summary('steady', 'end');
      expect(eventLoops['server']?.utilization).toBeCloseTo(0.6, 9);
      expect(eventLoops['server']).toMatchObject({ maxDelayMs: 40, longestGcMs: 9 });
      expect(eventLoops['load generator']?.utilization).toBeCloseTo(0.3, 9);
      expect(eventLoops['load generator']).toMatchObject({ maxDelayMs: 300, longestGcMs: 51 });
    } finally {
      monitor.stop();
    }
  });

  it('leaves out a role with no figures for the phase', () => {
    const monitor = createResourceMonitor({ probeFiles: () => ({ server: ['/nonexistent/probe.jsonl'] }), intervalMs: 10_000 });
    try {
      monitor.mark('a');
      monitor.mark('b');
      expect(monitor.summary('a', 'b').eventLoops).toEqual({});
    } finally {
      monitor.stop();
    }
  });
});
