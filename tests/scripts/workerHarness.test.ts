import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/processes.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * The stand-ins the worker harness (scripts/worker-harness) gives the real worker must print what
 * the worker parses. The patterns below are the worker's own (games.py); the harness itself needs
 * a Fishtest checkout, which these tests do not have.
 */
const run = promisify(execFile);
const HARNESS = join(projectRoot, 'scripts/worker-harness');
const FASTCHESS_VERSION = /fastchess alpha [0-9]*.[0-9]*.[0-9]* [0-9]*-([0-9a-f-]*)$/m;
const RESULTS = /Games: ([0-9]+), Wins: ([0-9]+), Losses: ([0-9]+), Draws: ([0-9]+), Points: ([0-9.]+) \(/g;
const PTNML = /Ptnml\(0-2\): \[([0-9]+), ([0-9]+), ([0-9]+), ([0-9]+), ([0-9]+)\]/g;
const EVAL_FILE = /(EvalFile\w*)\s+.*\s+(nn-[a-f0-9]{12}.nnue)/;
const SIGNATURE = 2050811;
const SHA = 'b'.repeat(40);

let dir: string;
let removeDir: () => void;
const configFor = async (fastchess: object): Promise<string> => {
  const path = join(dir, `config-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(path, JSON.stringify({ net: 'nn-0123456789ab.nnue', signatures: { [SHA]: SIGNATURE + 5 }, default_signature: SIGNATURE, fastchess }));
  return path;
};
const fastchess = async (args: string[], fastchessConfig: object = {}) =>
  run('python3', [join(HARNESS, 'fake_fastchess.py'), ...args], {
    cwd: dir,
    env: { ...process.env, HARNESS_CONFIG: await configFor(fastchessConfig), HARNESS_FASTCHESS_SHA: '58072f231dc1ae33' },
  });
const matchArgs = (rounds: number): string[] =>
  ['-rounds', String(rounds), '-pgnout', 'file=out.pgn', 'append=false', '-event', 'Batch 0', '-engine', 'name=New-bbbb', 'tc=10+0.1', '-engine', 'name=Base-aaaa', 'tc=10+0.1'];

beforeAll(() => {
  ({ dir, remove: removeDir } = makeTempDir('harness-fakes-'));
});
afterAll(() => removeDir());

describe('worker harness: the fastchess stand-in', () => {
  it('answers --version with the line and commit prefix the worker checks', async () => {
    const { stdout } = await fastchess(['--version']);
    expect(FASTCHESS_VERSION.exec(stdout.trim())?.[1]).toBe('58072f23');
  });

  it('prints a consistent result block per pair, a CRC32 of the PGN as written, and the end of the match', async () => {
    const { stdout } = await fastchess(matchArgs(7), { results: 'even' });
    const results = [...stdout.matchAll(RESULTS)].map((m) => m.slice(1, 5).map(Number));
    const ptnml = [...stdout.matchAll(PTNML)].map((m) => m.slice(1, 6).map(Number));
    expect(results).toHaveLength(7);
    results.forEach(([games, wins, losses, draws], pair) => {
      expect(games).toBe(2 * (pair + 1));
      expect((wins ?? 0) + (losses ?? 0) + (draws ?? 0)).toBe(games);
      expect(2 * (ptnml[pair] ?? []).reduce((a, b) => a + b, 0)).toBe(games);
    });
    const crcs = [...stdout.matchAll(/File out\.pgn has CRC32: (0x[0-9a-f]+)/g)].map((m) => m[1]);
    expect(crcs).toHaveLength(7);
    expect(crcs.at(-1)).toBe(`0x${crc32(await readFile(join(dir, 'out.pgn'))).toString(16)}`);
    expect(stdout.trim().endsWith('Finished match')).toBe(true);
  });

  it('prints the warning the worker reports to the event log, and the one that makes it stop the run', async () => {
    expect((await fastchess(matchArgs(2), { mode: 'warning' })).stdout).toMatch(/Warning; Engine .* is not responsive/);
    expect((await fastchess(matchArgs(2), { mode: 'option-error' })).stdout).toMatch(/Warning;.*doesn't have option/);
  });

  it('crashes with a non-zero exit after the configured pairs, leaving the PGN of the pairs played', async () => {
    await expect(fastchess(matchArgs(10), { mode: 'crash', crash_after_pairs: 3 })).rejects.toMatchObject({ code: 3 });
    expect((await readFile(join(dir, 'out.pgn'), 'utf8')).match(/\[Event /g)).toHaveLength(6);
  });
});

describe('worker harness: the engine stand-in', () => {
  const engine = async (args: string[]) => {
    const name = join(dir, `stockfish-${SHA}-g++_12_2_0-0123456789`);
    await writeFile(name, await readFile(join(HARNESS, 'fake_stockfish.py')));
    return run('python3', [name, ...args], { env: { ...process.env, HARNESS_CONFIG: await configFor({}) } });
  };

  it('names its default net for uci', async () => {
    const { stdout } = await engine(['uci']);
    expect(EVAL_FILE.exec(stdout)?.[2]).toBe('nn-0123456789ab.nnue');
  });

  it("benches its commit's configured node count at the reference speed per thread", async () => {
    const { stderr } = await engine(['bench', '16', '2', '13', 'default', 'depth']);
    const nodes = Number(/Nodes searched\s*: (\d+)/.exec(stderr)?.[1]);
    const milliseconds = Number(/Total time \(ms\)\s*: (\d+)/.exec(stderr)?.[1]);
    expect(nodes).toBe(SIGNATURE + 5);
    expect((1000 * nodes) / milliseconds / 2).toBeCloseTo(628_000, -3);
  });

  it('prints its build settings for compiler', async () => {
    const { stdout } = await engine(['compiler']);
    expect(stdout).toMatch(/settings\s*: 64bit/);
  });
});

/** Runs the harness's own `check` (scripts/worker-harness/run.py) on a conversation and a run. */
const harnessCheck = async (scenario: string, calls: object[], log: string, runResults: object, restarts = 0): Promise<string[]> => {
  const input = join(dir, `check-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(input, JSON.stringify({ scenario, calls, log, run: runResults, restarts }));
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(HARNESS)})`,
    'import run',
    'a = json.load(open(sys.argv[1]))',
    "print(json.dumps(run.check(a['scenario'], a['calls'], a['log'], a['run'], a['restarts'])))",
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, input]);
  return JSON.parse(stdout) as string[];
};

describe('worker harness: its checks', () => {
  const stats = (wins: number, losses: number, draws: number) => ({ wins, losses, draws, crashes: 0, time_losses: 0, pentanomial: [0, 0, 0, 0, 0] });
  const update = (taskId: number, s: object, reply: object = { task_alive: true, duration: 0.001 }) => ({
    path: '/api/update_task',
    status: 200,
    request: { run_id: 'r', task_id: taskId, stats: s },
    reply,
  });
  const finished = (wins: number, losses: number, draws: number) => ({ finished: true, results: { wins, losses, draws } });
  const pgn = { path: '/api/upload_pgn', status: 200, request: {}, reply: { duration: 0.001 } };

  it('accepts a fixed-games conversation whose last updates add up to the run', async () => {
    const calls = [update(0, stats(100, 100, 300)), update(0, stats(200, 200, 600)), update(1, stats(0, 0, 0)), pgn];
    expect(await harnessCheck('numgames', calls, 'played', finished(200, 200, 600))).toEqual([]);
  });

  it('reports a reply without a numeric duration, an error reply, a traceback, and games that do not add up', async () => {
    const calls = [update(0, stats(1, 1, 2), { task_alive: true }), update(0, stats(2, 2, 4), { error: '/api/update_task: no', duration: 0.1 }), pgn];
    const problems = await harnessCheck('numgames', calls, 'Traceback (most recent call last)', finished(5, 5, 10));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('reply without a numeric duration'),
        expect.stringContaining('answered an error'),
        expect.stringContaining("'Traceback'"),
        expect.stringContaining('the run holds 20 games, the worker\'s last updates say 4'),
        expect.stringContaining('expected calls or outcome are missing'),
      ]),
    );
  });

  it('passes server-kill only when the server was restarted and the worker met it down', async () => {
    const calls = [update(0, stats(250, 250, 500)), pgn];
    const down = 'Exception calling update_task:\nPost request failed.';
    expect(await harnessCheck('server-kill', calls, down, finished(250, 250, 500), 1)).toEqual([]);
    expect(await harnessCheck('server-kill', calls, down, finished(250, 250, 500), 0)).toEqual([
      "the scenario's expected calls or outcome are missing",
    ]);
    expect(await harnessCheck('server-kill', calls, 'no outage seen', finished(250, 250, 500), 1)).toEqual([
      "the scenario's expected calls or outcome are missing",
    ]);
  });
});
