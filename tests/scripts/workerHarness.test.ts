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
