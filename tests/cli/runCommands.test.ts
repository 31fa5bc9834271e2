import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/runAdmin.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { makeTempDir } from '../support/tempDir.js';

const PASSWORD = 'juniper-vault-63';
const SRI = 'QHAU1P3LurcJr7UTRI7HZCVFsoYBWC3OTsBqZY/FfQA6VQo3MmECWtByB4gVACW5';
const BASE = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const RUN_ID = /^[0-9a-f]{24}$/;

/** What every offline creation needs besides its own options. */
const offlineFacts = ['--base-sha', BASE, '--new-sha', NEW, '--base-signature', '2050811'];

describe('npm run admin -- run (in process, GitHub offline)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let clock = Date.UTC(2026, 1, 3, 12);

  const admin = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, {
      io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' },
      env: { DATA_DIR: temp.dir },
      now: () => clock,
    });
    return { code, out, err };
  };
  const created = (result: { out: string[] }): string => {
    const id = /^Created run ([0-9a-f]{24}) /.exec(result.out[0] ?? '')?.[1];
    if (id === undefined) throw new Error(`no run created: ${JSON.stringify(result)}`);
    return id;
  };
  const runJson = async (id: string) => JSON.parse((await admin(['run', 'show', id, '--json'])).out.join('\n')) as Record<string, unknown> & {
    args: Record<string, unknown>;
  };

  beforeAll(async () => {
    temp = makeTempDir();
    for (const [name, extra] of [
      ['alice', []],
      ['bob', ['--group', 'approvers']],
      ['carol', ['--group', 'approvers']],
    ] as const) {
      expect((await admin(['user', 'create', name, '--email', `${name}@example.org`, '--password', PASSWORD, '--approved', ...extra])).code).toBe(0);
    }
    expect((await admin(['user', 'create', 'dave', '--email', 'dave@example.org', '--password', PASSWORD])).code).toBe(0);
    expect((await admin(['book', 'add', 'UHO_Lichess_4852_v1.epd', '--positions', '2632036', '--sri', SRI])).code).toBe(0);
  });
  afterAll(() => temp.remove());

  it("creates an SPRT run with upstream's defaults, taking the signature and info from the commit message", async () => {
    const result = await admin(['--as', 'alice', 'run', 'create', '--new', 'feature', ...offlineFacts, '--new-message', 'Better eval\n\nPasses STC.\n\nBench: 1234567']);
    expect(result).toEqual({
      code: 0,
      out: [expect.stringMatching(/^Created run [0-9a-f]{24} \(alice, waiting for approval\): SPRT<0\.00,2\.00> TC:10\+0\.1 Book:UHO_Lichess_4852_v1\.epd Threads:1 Hash:16\/16$/)],
      err: [],
    });
    const run = await runJson(created(result));
    expect(run).toMatchObject({ status: 'pending', approved: false, start_time: '2026-02-03T12:00:00.000Z' });
    expect(run.args).toMatchObject({
      base_tag: 'master',
      new_tag: 'feature',
      resolved_base: BASE,
      resolved_new: NEW,
      msg_new: 'Better eval',
      new_signature: '1234567',
      base_signature: '2050811',
      info: 'Better eval\nPasses STC.',
      tc: '10+0.1',
      new_tc: '10+0.1',
      book: 'UHO_Lichess_4852_v1.epd',
      book_depth: '8',
      base_options: 'Hash=16',
      new_options: 'Hash=16',
      threads: 1,
      priority: 0,
      throughput: 100,
      auto_purge: false,
      adjudication: true,
      num_games: 800000,
      tests_repo: 'https://github.com/official-stockfish/Stockfish',
      base_nets: [],
      new_nets: [],
      sprt: { elo0: 0, elo1: 2, elo_model: 'normalized', batch_size: 16 },
    });

    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const [event] = await store.readStream(`run-${String(run['id'])}`);
    await store.close();
    expect(event).toMatchObject({ type: 'RunCreated', metadata: { actor: 'alice' } });
  });

  it('creates fixed-games and SPSA runs, and LTC presets, for another owner, approved at once by an approver', async () => {
    const games = await admin([
      '--as', 'bob', 'run', 'create', '--owner', 'alice', '--new', 'feature', ...offlineFacts,
      '--new-signature', '1234567', '--info', 'Fixed games', '--num-games', '20000', '--tc', '60+0.6', '--threads', '2',
      '--new-options', 'Hash=64 Threads=2', '--base-options', 'Hash=64', '--auto-purge', '--no-adjudication', '--priority=-1', '--throughput', '50',
      '--approve',
    ]);
    expect(games.out).toEqual([expect.stringMatching(/^Created run [0-9a-f]{24} \(alice, approved by bob\): NumGames\[20000\] TC:60\+0\.6\(LTC\) Book:UHO_Lichess_4852_v1\.epd Threads:2\(SMP\) Hash:64\/64$/)]);
    expect(await runJson(created(games))).toMatchObject({
      status: 'paused',
      approved: true,
      approver: 'bob',
      args: { num_games: 20000, threads: 2, auto_purge: true, adjudication: false, priority: -1, throughput: 50, new_options: 'Hash=64 Threads=2' },
    });

    const spsa = await admin([
      '--as', 'alice', 'run', 'create', '--new', 'tune', ...offlineFacts, '--new-signature', '1234567', '--info', 'Tune',
      '--num-games', '40000', '--spsa-params', 'Foo,50,0,100,5,0.01\nBar,10,0,20,2,0.002',
    ]);
    const spsaRun = await runJson(created(spsa));
    expect(spsaRun.args).toMatchObject({ num_games: 40000, base_signature: '1234567', spsa: { A: expect.any(Number), params: [{ name: 'Foo' }, { name: 'Bar' }] } });

    const ltc = await admin(['--as', 'alice', 'run', 'create', '--new', 'feature', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--tc', '60+0.6', '--bounds', 'ltc', '--new-tc', '30+0.3']);
    expect((await runJson(created(ltc))).args).toMatchObject({ info: 'LTC: x', new_tc: '30+0.3', sprt: { elo0: 0.5, elo1: 2.5, batch_size: 3 } });
  });

  it('refuses what upstream refuses, and says what is missing offline', async () => {
    const create = (actor: string, ...options: string[]) => admin(['--as', actor, 'run', 'create', '--new', 'feature', ...options]);
    const runCount = async () => (JSON.parse((await admin(['run', 'list', '--all', '--json'])).out.join('\n')) as unknown[]).length;
    const before = await runCount();
    expect(await create('alice', '--base-sha', BASE, '--base-signature', '1', '--new-signature', '1', '--info', 'x')).toEqual({
      code: 2,
      out: [],
      err: ['error: GitHub is offline (GITHUB_MODE=offline): give --new-sha for "feature", or set GITHUB_MODE=http', 'See "npm run admin -- run create --help".'],
    });
    expect((await create('alice', ...offlineFacts, '--info', 'x')).err[0]).toBe('error: missing --new-signature (offline, there is no commit message to take it from)');
    expect((await create('alice', ...offlineFacts, '--new-message', 'No bench here', '--info', 'x')).err[0]).toBe(
      'error: This commit has no signature: please supply it manually.',
    );
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--num-games', '100', '--elo0', '1')).err[0]).toBe(
      'error: --elo0 applies to SPRT runs only',
    );
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--stop-rule', 'sprt', '--num-games', '1000')).code).toBe(2);
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--stop-rule', 'spsa')).err[0]).toBe('error: SPSA runs need --spsa-params');
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--num-games', '1500')).err[0]).toBe(
      'error: Number of games must be a multiple of 1000',
    );
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--book', 'other.epd')).err[0]).toMatch(
      /^error: Book other\.epd is not registered/,
    );
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--new-net', 'nn-0123456789ab.nnue')).err[0]).toBe(
      'error: Missing net(s). Please upload to: "npm run admin -- nn upload <file>" the following net(s): nn-0123456789ab.nnue',
    );
    expect((await create('zed', ...offlineFacts, '--new-signature', '1', '--info', 'x')).err[0]).toBe('error: Unknown user: zed');
    expect((await create('dave', ...offlineFacts, '--new-signature', '1', '--info', 'x')).err[0]).toBe('error: User dave is not accepted yet');
    expect((await create('alice', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--approve')).err[0]).toBe('error: Please login as approver');
    expect((await create('bob', ...offlineFacts, '--new-signature', '1', '--info', 'x', '--approve')).err[0]).toBe('error: Self approval is disabled!');
    expect((await create('alice', '--base-sha', 'xyz')).code).toBe(2);
    // Nothing refused left a run behind (not even the ones refused only for their approval).
    expect(await runCount()).toBe(before);
  });

  it('approves, stops, purges and deletes as the domain allows, and lists and shows runs', async () => {
    const id = created(await admin(['--as', 'alice', 'run', 'create', '--new', 'feature', ...offlineFacts, '--new-signature', '1', '--info', 'Life cycle']));
    expect(await admin(['run', 'approve', id])).toMatchObject({ code: 1, err: [expect.stringMatching(/^error: "system" is not an account/)] });
    expect(await admin(['--as', 'alice', 'run', 'approve', id])).toMatchObject({ code: 1, err: ['error: Please login as approver'] });
    expect(await admin(['--as', 'carol', 'run', 'approve', id])).toEqual({ code: 0, out: [`Approved run ${id} as carol`], err: [] });
    expect(await admin(['--as', 'bob', 'run', 'approve', id])).toMatchObject({ code: 1, err: [`error: Run ${id} already approved!`] });

    const unfinished = await admin(['run', 'list']);
    expect(unfinished.out[0]).toMatch(/^ID +STATUS +USER +BRANCH +TC +RULE +GAMES +INFO$/);
    expect(unfinished.out).toContainEqual(expect.stringMatching(new RegExp(`^${id} +paused +alice +feature +10\\+0\\.1 +SPRT<0\\.00,2\\.00> +0/800000 +Life cycle$`)));

    expect((await admin(['--as', 'bob', 'run', 'purge', id])).err).toEqual(['error: Manual purge (not performed): Can only purge completed run']);
    expect(await admin(['--as', 'alice', 'run', 'stop', id])).toEqual({ code: 0, out: [`Stopped run ${id}`], err: [] });
    expect((await admin(['--as', 'bob', 'run', 'purge', id])).err).toEqual(['error: Manual purge (not performed): No bad workers']);
    expect(await admin(['--as', 'bob', 'run', 'delete', id])).toEqual({ code: 0, out: [`Deleted run ${id}`], err: [] });

    expect((await admin(['run', 'list', '--json'])).out.join('\n')).not.toContain(id);
    const all = JSON.parse((await admin(['run', 'list', '--all', '--user', 'ALICE', '--json'])).out.join('\n')) as Array<{ id: string; status: string }>;
    expect(all.find((run) => run.id === id)).toMatchObject({ status: 'deleted' });
    expect(all.every((run) => RUN_ID.test(run.id))).toBe(true);
    expect(JSON.parse((await admin(['run', 'list', '--all', '--limit', '1', '--json'])).out.join('\n'))).toHaveLength(1);

    const shown = await admin(['run', 'show', id]);
    expect(shown.out).toContainEqual(expect.stringMatching(new RegExp(`^id +${id}$`)));
    expect(shown.out).toContainEqual(expect.stringMatching(/^status +deleted \(approved by carol\)$/));
    expect(shown.out).toContainEqual(expect.stringMatching(new RegExp(`^new +feature ${NEW} bench 1 Hash=16$`)));
    expect(await admin(['run', 'show', 'f'.repeat(24)])).toMatchObject({ code: 1, err: [`error: Run ${'f'.repeat(24)} not found!`] });
    expect((await admin(['run', 'stop', 'nope'])).code).toBe(2);
    expect((await admin(['run', 'list', '--limit', '0'])).code).toBe(2);
  });

  it('documents every run command in --help', async () => {
    const help = await admin(['run', '--help']);
    expect(help.code).toBe(0);
    for (const command of ['create', 'approve', 'stop', 'delete', 'purge', 'list', 'show']) expect(help.out.join('\n')).toMatch(new RegExp(`\\n  ${command} `));
    expect((await admin(['run', 'create', '--help'])).out.join('\n')).toMatch(/--spsa-params TEXT/);
    clock += 1;
  });
});
