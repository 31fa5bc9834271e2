import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTs } from '../../support/processes.js';
import { makeTempDir } from '../../support/tempDir.js';

const probe = path.resolve('bench/fleet/eventLoopProbe.ts');

interface ProbeLine {
  at: number;
  utilization: number;
  maxDelayMs: number;
  longestGcMs: number;
}

/** Runs `script` (ESM) with the probe preloaded, under a file-descriptor limit; resolves with its exit code and output. */
const runWithProbe = async (dir: string, script: string, fileLimit: number): Promise<{ code: number | null; output: string; stderr: string; lines: ProbeLine[] }> => {
  const scriptFile = path.join(dir, 'host.mjs');
  const probeFile = path.join(dir, 'probe.jsonl');
  writeFileSync(scriptFile, script);
  const host = spawnTs(scriptFile, { FLEET_PROBE_FILE: probeFile }, { fileLimit, preload: [probe] });
  const { code } = await host.exited;
  let lines: ProbeLine[] = [];
  try {
    lines = readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProbeLine);
  } catch {
    // no file: no lines
  }
  return { code, output: host.output(), stderr: host.stderr(), lines };
};

describe('fleet benchmark event-loop probe', () => {
  let temp: ReturnType<typeof makeTempDir> | undefined;
  afterEach(() => {
    temp?.remove();
    temp = undefined;
  });

  it('writes a line a second with the utilisation, the longest stall and the longest GC pause', async () => {
    temp = makeTempDir('fleet-probe-');
    const { dir } = temp;
    const busyThenIdle = `
      setTimeout(() => {
        const end = Date.now() + 300;
        while (Date.now() < end) {} // a 300 ms stall of the running event loop
      }, 200);
      setTimeout(() => {}, 2600);
    `;
    const { code, lines } = await runWithProbe(dir, busyThenIdle, 1024);
    expect(code).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line.utilization).toBeGreaterThanOrEqual(0);
      expect(line.utilization).toBeLessThanOrEqual(1);
      expect(line.longestGcMs).toBeGreaterThanOrEqual(0);
    }
    expect(Math.max(...lines.map((line) => line.maxDelayMs))).toBeGreaterThanOrEqual(250);
  }, 20_000);

  it('keeps writing, and never crashes its host, when the host has run out of file descriptors', async () => {
    temp = makeTempDir('fleet-probe-');
    const { dir } = temp;
    const exhaustDescriptors = `
      import { openSync } from 'node:fs';
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (error) { console.log(error.code, Date.now()); }
      setTimeout(() => console.log('alive', held.length), 2600);
    `;
    const { code, output, stderr, lines } = await runWithProbe(dir, exhaustDescriptors, 64);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // With nothing on stderr, the output is the script's stdout.
    const [reason, exhaustedAt] = output.split('\n')[0]!.split(' ');
    expect(reason).toBe('EMFILE');
    expect(output).toContain('alive');
    expect(lines.filter((line) => line.at > Number(exhaustedAt)).length).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
