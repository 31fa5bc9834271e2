import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

/*
 * The benchmark itself, end to end at a tiny scale: the real server, a load process, every phase,
 * and the lost-updates check against the event log and the read model.
 */

const benchmarkDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('fishtest-es-fleet-')));

const runBenchmark = (args: readonly string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fleet.ts', ...args, '--runs', '10', '--hello-seconds', '1', '--quiet-wait', '0']);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });

/** The `all` rows of the endpoint tables: calls and errors (net, 5xx and 4xx together), no fd. */
const totals = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('all '))
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      return { calls: Number(columns[1]!.replace(/,/g, '')), errors: Number(columns[7]), noFd: Number(columns[8]) };
    });

describe('fleet benchmark end to end (tiny scale)', () => {
  it('cadence mode: ramp, steady state and burst without errors, and zero lost updates', async () => {
    const before = benchmarkDirs();
    const { code, output } = await runBenchmark(['--workers', '200', '--speed', '60', '--ramp', '5', '--steady', '3', '--burst', '100', '--burst-settle', '2']);
    expect(code, output).toBe(0);
    for (const phase of ['== ramp: 0 → 200 workers', '== steady state: 200 workers', '== burst: 100 more workers']) expect(output).toContain(phase);
    const phases = totals(output);
    expect(phases).toHaveLength(3);
    for (const phase of phases) {
      expect(phase.calls).toBeGreaterThan(0);
      expect(phase.errors).toBe(0);
      expect(phase.noFd).toBe(0);
    }
    expect(output).toMatch(/server event loop: busy \d+%/);
    expect(output).toMatch(/load generator event loop: busy \d+%/);
    expect(output).toMatch(/event log syncs \(fdatasync\): [\d,]+, mean/);
    const fleet = /fleet: ([\d,]+) of 200 workers got a task/.exec(output);
    expect(Number(fleet?.[1])).toBeGreaterThanOrEqual(190);
    expect(output).toMatch(/event log \([\d,]+ run events\): [\d,]+ games — matches/);
    expect(output).toContain('zero lost updates: yes');
    expect(output).toContain('server exit code 0');
    // It cleans up after itself.
    expect([...benchmarkDirs()].filter((dir) => !before.has(dir))).toEqual([]);
  }, 180_000);

  it('saturation mode: both baselines and the mix, a ratio, and zero lost updates', async () => {
    const { code, output } = await runBenchmark(['--mode', 'saturation', '--rounds', '1', '--duration', '2', '--saturation-workers', '40', '--connections', '8']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/hello-world [\d,]+ req\/s/);
    expect(output).toMatch(/round 1: append-only [\d,]+ req\/s, production mix [\d,]+ req\/s, production mix \/ append-only = \d+%/);
    expect(output).toMatch(/median of 1 round: \d+% \(target ≥ 50%\)/);
    for (const phase of totals(output)) expect(phase.errors).toBe(0);
    expect(output).toContain('zero lost updates: yes');
    expect(output).toContain('server exit code 0');
  }, 180_000);
});
