import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/runAdmin.js';
import { TOKENS } from '../../src/container.js';
import { shortWorkerName } from '../../src/domain/shared/worker-info.js';
import { fixedGamesArgs } from '../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../support/workerApp.js';
import { storedWorkerInfo, wireWorkerInfo } from '../support/workers.js';

const USERNAME = 'worker';
const PASSWORD = 'secret-pass';

describe('npm run admin -- worker and user machine-limit, against a running server', () => {
  let w: WorkerApp;
  const name = shortWorkerName(storedWorkerInfo(1));

  const admin = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, {
      io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' },
      env: { DATA_DIR: w.dir, SQLITE_SYNCHRONOUS: 'NORMAL' },
      now: () => Date.UTC(2026, 10, 27, 2, 0, 0),
    });
    return { code, out, err };
  };
  /** The CLI wrote from its own connection: wait until the server's scheduler has read it. */
  const serverCaughtUp = async (): Promise<void> => {
    expect(await w.runs.caughtUp(await w.eventStore.headPosition(), 5_000)).toBe(true);
  };
  /** The server follows the user streams through its own subscription. */
  const directoryShows = async (machineLimit: number): Promise<void> => {
    const directory = w.container.resolve(TOKENS.userDirectory);
    for (let waited = 0; directory.get(USERNAME)?.machineLimit !== machineLimit && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(directory.get(USERNAME)?.machineLimit).toBe(machineLimit);
  };
  const requestTask = async () =>
    (await w.app.inject({ method: 'POST', url: '/api/request_task', payload: { password: PASSWORD, worker_info: wireWorkerInfo(1) } })).json();

  beforeAll(async () => {
    w = await startWorkerApp();
    await w.registerUser(USERNAME, PASSWORD);
    await w.seedRun(fixedGamesArgs({ num_games: 4000, username: USERNAME }));
  });
  afterAll(async () => {
    await w.close();
  });

  it('blocks a worker machine: request_task refuses it with the message, until it is unblocked', async () => {
    expect(await admin(['--as', 'ops', 'worker', 'block', name, '--message', 'Please update your compiler'])).toEqual({
      code: 0,
      out: [`Blocked worker ${name}`],
      err: [],
    });
    await serverCaughtUp();
    const refused = await requestTask();
    expect(refused).toMatchObject({ task_waiting: false });
    expect(refused.error).toContain('Request_task:');
    expect(refused.error).toContain('Please update your compiler');

    const listed = await admin(['worker', 'list']);
    expect(listed.out).toEqual([expect.stringMatching(/^WORKER +MESSAGE$/), expect.stringMatching(new RegExp(`^${name} +Please update your compiler$`))]);
    expect(JSON.parse((await admin(['worker', 'list', '--json'])).out.join(''))).toEqual([{ worker: name, message: 'Please update your compiler' }]);

    expect((await admin(['worker', 'unblock', name])).out).toEqual([`Unblocked worker ${name}`]);
    await serverCaughtUp();
    const given = await requestTask();
    expect(given.error).toBeUndefined();
    expect(typeof given.run?._id).toBe('string');
    expect((await admin(['worker', 'list'])).out).toEqual(['No worker is blocked']);

    // The audit log shows both, as upstream's block_worker actions.
    expect(await w.container.resolve(TOKENS.projectionEngine).waitFor(await w.eventStore.headPosition(), 5_000)).toBe(true);
    const actions = await w.app.inject({ method: 'POST', url: '/api/actions', payload: { action: 'block_worker' } });
    expect(actions.json()).toEqual([
      expect.objectContaining({ action: 'block_worker', username: 'ops', worker: name, message: 'blocked' }),
      expect.objectContaining({ action: 'block_worker', username: 'system', worker: name, message: 'unblocked' }),
    ]);
  });

  it('writes nothing when the state would not change, and changes only the message of a blocked worker', async () => {
    const other = shortWorkerName(storedWorkerInfo(2));
    const before = await w.eventStore.headPosition();
    expect((await admin(['worker', 'unblock', other])).out).toEqual([`Worker ${other} is not blocked`]);
    expect(await w.eventStore.headPosition()).toBe(before);
    expect((await admin(['worker', 'block', other])).out).toEqual([`Blocked worker ${other}`]);
    expect((await admin(['worker', 'block', other])).out).toEqual([`Worker ${other} is already blocked`]);
    expect((await admin(['worker', 'block', other, '--message', 'new text'])).out).toEqual([`Changed the message of blocked worker ${other}`]);
    const stream = await w.eventStore.readStream(`worker-${other}`);
    expect(stream.map((event) => event.type)).toEqual(['WorkerBlocked', 'WorkerBlocked']);
    expect(stream[1]).toMatchObject({ data: { workerName: other, message: 'new text', by: 'system', at: '2026-11-27T02:00:00.000Z' } });
    expect((await admin(['worker', 'unblock', other])).code).toBe(0);
  });

  it("applies a user's machine limit set with user machine-limit to request_task", async () => {
    // Every injected request comes from the same address: machines 11 and 12 count as one IP's.
    const ask = async (n: number) =>
      (await w.app.inject({ method: 'POST', url: '/api/request_task', payload: { password: PASSWORD, worker_info: wireWorkerInfo(n) } })).json();
    expect((await admin(['user', 'machine-limit', USERNAME, '1'])).code).toBe(0);
    await directoryShows(1);
    // Machine 1 still holds its task from the first test.
    expect((await ask(11)).error).toBe(`Request_task: Machine limit reached for user ${USERNAME}`);
    expect((await admin(['user', 'machine-limit', USERNAME, '3'])).code).toBe(0);
    await directoryShows(3);
    expect((await ask(11)).error).toBeUndefined();
    expect((await ask(12)).error).toBeUndefined();
    expect((await ask(13)).error).toBe(`Request_task: Machine limit reached for user ${USERNAME}`);
  });

  it('rejects a name that is not a short worker name, with a usage message and no write', async () => {
    const before = await w.eventStore.headPosition();
    for (const bad of ['', 'alice', 'alice-8cores-1a2b-c3d4', 'a b-8cores']) {
      const result = await admin(['worker', 'block', bad]);
      expect(result.code).toBe(2);
      expect(result.err.join('\n')).toMatch(/short worker name/);
    }
    expect(await w.eventStore.headPosition()).toBe(before);
  });
});
