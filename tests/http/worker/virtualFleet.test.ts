import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSubmission } from '../../../src/domain/runs/create/submission.js';
import { submission, submissionFacts as facts } from '../../support/runSubmission.js';
import type { Results } from '../../../src/domain/shared/results.js';
import { addResults, ZERO_RESULTS } from '../../../src/domain/shared/results.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';
import { createVirtualWorker, type VirtualWorker } from '../../support/workerClient.js';
import { wireWorkerInfo } from '../../support/workers.js';
import { seededRandom } from '../../support/seededRandom.js';

/*
 * End to end over a real socket: runs created and approved through the run service (with the
 * full submission checks), four virtual workers playing them the way the real worker does until
 * nothing is left, then the event log checked against what the workers sent.
 */

const PASSWORD = 'virtual-secret-42';
const OWNER = 'RunOwner';


describe('a virtual fleet plays SPRT, fixed-games and SPSA runs to their end', () => {
  let w: WorkerApp;
  let baseUrl: string;

  beforeAll(async () => {
    w = await startWorkerApp({ runService: { random: seededRandom(7) } });
    await w.registerUser('fleet', PASSWORD);
    baseUrl = await w.listen();
  });
  afterAll(async () => {
    await w.close();
  });

  const create = async (overrides: Partial<RunSubmission>): Promise<string> => {
    const context = { actor: OWNER, correlationId: `create-${overrides.stopRule ?? ''}` };
    const created = await w.runs.createRun({ submission: submission(overrides), facts }, context);
    if (created.kind !== 'accepted') throw new Error(created.message);
    const runId = created.reply;
    const approved = await w.runs.execute({ type: 'ApproveRun', data: { runId, by: 'approver', isApprover: true } }, context);
    if (approved.kind !== 'accepted') throw new Error(approved.message);
    return runId;
  };

  it('finishes every run and the log adds up to exactly what the workers sent', async () => {
    const sprtRun = await create({ stopRule: 'sprt', sprtElo0: '0', sprtElo1: '2' });
    const fixedRun = await create({ stopRule: 'numgames', numGames: '1000' });
    const spsaRun = await create({ stopRule: 'spsa', numGames: '1000', newSignature: '2050811', spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: 'Foo,50,0,100,5,0.01\nBar,20,0,40,2,0.02' } });

    const workers: VirtualWorker[] = [1, 2, 3, 4].map((n) =>
      createVirtualWorker({
        baseUrl,
        password: PASSWORD,
        workerInfo: wireWorkerInfo(n, { username: 'fleet', concurrency: 4 }),
        // A clearly stronger new engine, so that the SPRT accepts within a few hundred games.
        pairOdds: [0.04, 0.16, 0.4, 0.25, 0.15],
        random: seededRandom(100 + n),
        beatEvery: 3,
      }),
    );

    const deadline = Date.now() + 25_000;
    await Promise.all(
      workers.map(async (worker) => {
        while (w.runs.unfinishedRuns().length > 0 && Date.now() < deadline) {
          const outcome = await worker.playOneTask();
          // The real worker backs off 15 s doubling; a short pause is enough here.
          if (outcome.kind === 'no-task') await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
    expect(w.runs.unfinishedRuns()).toEqual([]);

    const sprt = await w.run(sprtRun);
    expect(sprt.finished).toBe(true);
    expect(sprt.args.sprt?.state).toBe('accepted');
    expect(sprt.isGreen).toBe(true);
    const fixed = await w.run(fixedRun);
    expect(fixed.results.wins + fixed.results.losses + fixed.results.draws).toBe(1000);
    const spsa = await w.run(spsaRun);
    expect(spsa.finished).toBe(true);
    expect(spsa.results.wins + spsa.results.losses + spsa.results.draws).toBe(1000);

    // What the workers sent: per task, the last cumulative results the server took.
    const lastSent = new Map<string, { runId: string; stats: Results }>();
    let spsaGamesSent = 0;
    for (const worker of workers) {
      for (const update of worker.accepted) {
        lastSent.set(`${update.runId}/${update.taskId}`, update);
        spsaGamesSent += update.spsaGames;
      }
    }
    for (const runId of [sprtRun, fixedRun, spsaRun]) {
      const sent = [...lastSent.values()].filter((update) => update.runId === runId).reduce((sum, update) => addResults(sum, update.stats), ZERO_RESULTS);
      const logged = (await w.runEvents(runId))
        .filter((event) => event.type === 'TaskResultsReported')
        .reduce((sum, event) => addResults(sum, (event.data as { delta: Results }).delta), ZERO_RESULTS);
      expect(logged, runId).toEqual(sent);
      expect((await w.run(runId)).results, runId).toEqual(sent);
      // And every task's stored results are the last ones its worker sent.
      const run = await w.run(runId);
      for (const task of run.tasks) {
        expect(task.stats, `${runId}/${task.taskId}`).toEqual(lastSent.get(`${runId}/${task.taskId}`)?.stats ?? ZERO_RESULTS);
        expect(task.active).toBe(false);
      }
    }
    // Every SPSA batch was applied once: an iteration is a game pair.
    expect(spsa.args.spsa?.iter).toBe(spsaGamesSent / 2);

    // PGNs of the non-SPSA tasks were uploaded and can be downloaded as one file.
    const pgns = await fetch(`${baseUrl}/api/run_pgns/${fixedRun}.pgn.gz`);
    expect(pgns.status).toBe(200);
    expect(pgns.headers.get('content-type')).toBe('application/gzip');
    const text = gunzipSync(Buffer.from(await pgns.arrayBuffer())).toString();
    const fixedTasks = [...fixed.tasks].length;
    for (let taskId = 0; taskId < fixedTasks; taskId += 1) expect(text).toContain(`[Event "${fixedRun}-${taskId} game 1"]`);
    const calls = (path: string) => workers.reduce((sum, worker) => sum + (worker.calls.get(path) ?? 0), 0);
    expect(calls('/api/upload_pgn')).toBeGreaterThan(0);
    expect(calls('/api/request_spsa')).toBeGreaterThan(0);
    expect(calls('/api/beat')).toBeGreaterThan(0);
  });
});
