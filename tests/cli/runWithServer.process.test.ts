import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerApp } from '../support/workerApp.js';
import type { WorkerApp } from '../support/workerApp.js';
import { wireWorkerInfo } from '../support/workers.js';
import { makeTempDir } from '../support/tempDir.js';
import { startFakeGitHub } from '../github/fakeGitHub.js';
import type { FakeGitHub } from '../github/fakeGitHub.js';
import { runCli } from './runCli.js';
import { runAdmin } from '../../src/cli/runAdmin.js';

/** Setup steps run in this process (spawning costs a second or two each); the steps under test are spawned. */
const adminHere = async (argv: string[], env: Record<string, string>): Promise<{ code: number; out: string }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, { io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' }, env });
  if (code !== 0) throw new Error(`admin ${argv.join(' ')} failed: ${err.join('\n')}`);
  return { code, out: out.join('\n') };
};

const PASSWORD = 'juniper-vault-63';
const SRI = 'QHAU1P3LurcJr7UTRI7HZCVFsoYBWC3OTsBqZY/FfQA6VQo3MmECWtByB4gVACW5';
const BASE = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A net file and its name (nn- and the first 12 hex digits of its sha256). */
const netFile = (dir: string, seed: number): { file: string; name: string } => {
  const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * seed + 7) % 256));
  const name = `nn-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.nnue`;
  const file = path.join(dir, `net-${seed}.bin`);
  writeFileSync(file, bytes);
  return { file, name };
};

describe('the CLI beside a running server (spawned, same DATA_DIR)', () => {
  let app: WorkerApp;
  let env: Record<string, string>;
  let files: ReturnType<typeof makeTempDir>;

  beforeAll(async () => {
    // The container's own wiring: the scheduler asks the followed book registry for book_sri.
    app = await startWorkerApp();
    await app.registerUser('worker', PASSWORD);
    env = { DATA_DIR: app.dir, GITHUB_MODE: 'offline' };
    files = makeTempDir();
  });
  afterAll(async () => {
    await app.close();
    files.remove();
  });

  it('creates an approved run that the server lists, serves its net, and assigns with the book sri', async () => {
    const net = netFile(files.dir, 3);
    const setup = [
      ['user', 'create', 'alice', '--email', 'alice@example.org', '--password', PASSWORD, '--approved'],
      ['user', 'create', 'bob', '--email', 'bob@example.org', '--password', PASSWORD, '--approved', '--group', 'approvers'],
      ['book', 'add', 'fake.epd', '--positions', '1000', '--sri', SRI],
      ['--as', 'alice', 'nn', 'upload', net.file],
    ];
    for (const args of setup) await adminHere(args, env);

    const created = await runCli(
      [
        '--as', 'bob', 'run', 'create', '--owner', 'alice', '--new', 'feature', '--base-sha', BASE, '--new-sha', NEW,
        '--base-signature', '2050811', '--new-signature', '1234567', '--info', 'From the CLI', '--num-games', '10000',
        '--book', 'fake.epd', '--book-depth', '4', '--base-net', net.name, '--new-net', net.name, '--approve',
      ],
      { env },
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const runId = /^Created run ([0-9a-f]{24}) \(alice, approved by bob\): NumGames\[10000\]/.exec(created.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');

    // The public API, from the server's read model. The CLI creates and then approves the run in
    // two appends, which the projection may apply in two batches: wait for the approval too.
    const listed = await until(
      async () => (await app.app.inject({ method: 'GET', url: '/api/active_runs' })).json() as Record<string, { approved: boolean; args: { info: string } }>,
      (runs) => runs[runId]?.approved === true,
    );
    expect(listed[runId]).toMatchObject({ approved: true, args: { info: 'From the CLI' } });

    // The net the CLI stored is what /api/nn serves.
    const download = await app.app.inject({ method: 'GET', url: `/api/nn/${net.name}` });
    expect(download.statusCode).toBe(200);
    expect(createHash('sha256').update(download.rawPayload).digest('hex').slice(0, 12)).toBe(net.name.slice(3, 15));

    // The worker API: the scheduler saw the run, and the registry the book.
    expect(await app.runs.caughtUp(await app.eventStore.headPosition(), 5_000)).toBe(true);
    const reply = await app.app.inject({ method: 'POST', url: '/api/request_task', payload: { password: PASSWORD, worker_info: wireWorkerInfo(1) } });
    expect(reply.json()).toMatchObject({ run: { _id: runId, args: { book: 'fake.epd', book_depth: '4', book_sri: SRI, new_nets: [net.name] } }, task_id: 0 });
  });

  it('stops a run from another process; the server sees it finished', async () => {
    const runId = Object.keys((await app.app.inject({ method: 'GET', url: '/api/active_runs' })).json() as object)[0] ?? '';
    const stopped = await runCli(['--as', 'alice', 'run', 'stop', runId], { env });
    expect(stopped).toMatchObject({ code: 0, stdout: `Stopped run ${runId}\n` });
    const listed = await until(
      async () => (await app.app.inject({ method: 'GET', url: '/api/active_runs' })).json() as Record<string, unknown>,
      (runs) => runs[runId] === undefined,
    );
    expect(listed[runId]).toBeUndefined();
    expect(await until(async () => (await app.runs.getRun(runId)).kind === 'run' && app.runs.unfinishedRuns().every((run) => run.runId !== runId), Boolean)).toBe(true);
  });
});

describe('run create with GITHUB_MODE=http (spawned, against a loopback fake GitHub)', () => {
  let fake: FakeGitHub;
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeGitHub();
    temp = makeTempDir();
    env = { DATA_DIR: temp.dir, GITHUB_MODE: 'http', GITHUB_API_URL: fake.apiUrl, GITHUB_RAW_URL: fake.rawUrl, GITHUB_TOKEN: 'test-token' };
  });
  afterAll(async () => {
    await fake.close();
    temp.remove();
  });

  it('resolves branches, bench, nets and the book on GitHub, and marks the base nets master on approval', async () => {
    const baseNet = netFile(temp.dir, 5);
    const newNet = netFile(temp.dir, 11);
    fake.repositories.set('alice/Stockfish', { htmlUrl: 'https://github.com/alice/Stockfish', fork: true, sourceUrl: 'https://github.com/official-stockfish/Stockfish' });
    fake.commits.set('alice/Stockfish@master', { sha: BASE, message: 'Simplify\n\nBench: 2050811' });
    fake.commits.set('alice/Stockfish@feature', { sha: NEW, message: 'Better eval\n\nBench: 1234567' });
    fake.commits.set('official-stockfish/Stockfish@master', { sha: BASE, message: 'Simplify\n\nBench: 2050811' });
    fake.commitLists.set('alice/Stockfish', [{ sha: BASE, message: 'Simplify\n\nBench: 2050811' }]);
    fake.mergeBases.set(`${BASE}...${BASE}`, BASE);
    fake.rawFiles.set(`alice/Stockfish/${BASE}/src/evaluate.h`, `#define EvalFileDefaultNameBig "${baseNet.name}"\n`);
    fake.rawFiles.set(`alice/Stockfish/${NEW}/src/evaluate.h`, `#define EvalFileDefaultNameBig "${newNet.name}"\n`);
    fake.booksJson = JSON.stringify({ 'UHO_Lichess_4852_v1.epd': { total: 2632036, white: 1457270, black: 1174766, min_depth: 2, max_depth: 16, sri: SRI } });

    const setup = [
      ['user', 'create', 'alice', '--email', 'alice@example.org', '--password', PASSWORD, '--approved'],
      ['user', 'create', 'bob', '--email', 'bob@example.org', '--password', PASSWORD, '--approved', '--group', 'approvers'],
      ['--as', 'alice', 'nn', 'upload', baseNet.file],
      ['--as', 'alice', 'nn', 'upload', newNet.file],
    ];
    for (const args of setup) await adminHere(args, env);
    const create = ['--as', 'bob', 'run', 'create', '--owner', 'alice', '--repo', 'https://github.com/alice/Stockfish', '--new', 'feature', '--approve'];

    const created = await runCli(create, { env });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(new RegExp(`^Created run [0-9a-f]{24} \\(alice, approved by bob; master nets: ${baseNet.name.replace('.', '\\.')}\\): SPRT<0\\.00,2\\.00>`));
    const runId = /^Created run ([0-9a-f]{24})/.exec(created.stdout)?.[1] ?? '';
    const shown = JSON.parse((await adminHere(['run', 'show', runId, '--json'], env)).out) as { args: Record<string, unknown> };
    expect(shown.args).toMatchObject({
      tests_repo: 'https://github.com/alice/Stockfish',
      resolved_base: BASE,
      resolved_new: NEW,
      msg_base: 'Simplify',
      base_signature: '2050811',
      new_signature: '1234567',
      info: 'Better eval',
      base_nets: [baseNet.name],
      new_nets: [newNet.name],
    });
    const nets = JSON.parse((await adminHere(['nn', 'list', '--json'], env)).out) as Array<{ name: string; isMaster: boolean }>;
    expect(Object.fromEntries(nets.map((net) => [net.name, net.isMaster]))).toEqual({ [baseNet.name]: true, [newNet.name]: false });
    const listedBooks = JSON.parse((await adminHere(['book', 'list', '--json'], env)).out) as Record<string, { sri: string }>;
    expect(listedBooks['UHO_Lichess_4852_v1.epd']?.sri).toBe(SRI);
    expect(fake.requests.filter((request) => !request.path.startsWith('/raw/')).every((request) => request.authorization === 'Bearer test-token')).toBe(true);
  });
});
