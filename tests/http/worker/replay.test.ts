import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../../src/container.js';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import { fixedGamesArgs, spsaRunArgs } from '../../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../../support/workerApp.js';

/*
 * Replays the requests the unmodified worker (version 325) made in the recorded scenarios (SPRT,
 * fixed games, SPSA, wrong bench, engine warning, fastchess crash), in order, and checks that
 * every reply has the recorded status and shape (keys and value types). The recording's values
 * came from a stand-in server, so ids, sizes and SPSA signatures are adapted to the runs this
 * server creates: run ids are mapped, the SPSA `sig` sent back is the one this server issued,
 * the redacted password and PGNs are replaced.
 */

const FIXTURE = new URL('./fixtures/worker-conversation.jsonl', import.meta.url);
const PASSWORD = 'replayed-secret-7';
const BOOK_SRI = 'MdpRYNA6x01OnluhAIppFFUafJohL50i8fnt2U2vHRKfxvJsgrKWvG3wP/9ezYgT';
const NN_URL = 'http://nets.example';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Exchange {
  path: string;
  req: JsonObject | null;
  resp: JsonObject;
}

const exchanges: Exchange[] = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Exchange);

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: Json | undefined): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Differences between the shape of `actual` and the recorded `expected`: same keys (where
 * `extraAllowed` says the server may send more, as with the run's full arguments) and the same
 * JSON types, recursively.
 */
const shapeDifferences = (expected: Json | undefined, actual: Json | undefined, where: string, extraAllowed: (path: string) => boolean): string[] => {
  if (typeOf(expected) !== typeOf(actual)) return [`${where}: expected ${typeOf(expected)}, got ${typeOf(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [`${where}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, index) => shapeDifferences(item, actual[index], `${where}[${index}]`, extraAllowed));
  }
  if (isObject(expected) && isObject(actual)) {
    const problems: string[] = [];
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) problems.push(`${where}.${key}: missing`);
      else problems.push(...shapeDifferences(expected[key], actual[key], `${where}.${key}`, extraAllowed));
    }
    if (!extraAllowed(where)) {
      for (const key of Object.keys(actual)) if (!(key in expected)) problems.push(`${where}.${key}: not in the recording`);
    }
    return problems;
  }
  return [];
};

/** Upstream sends every run argument; the stand-in sent a subset. */
const mayHaveMoreKeys = (where: string): boolean => /^reply\.run\.args(\.|$)/.test(where);

/**
 * The recorded run arguments as this server stores them. The stand-in sized every task at 48
 * games for this one-core worker; upstream's sizing (30 minutes of play) gives 48 games at 20+0,
 * so the runs use that time control (the SPRT batch stays the recorded 4 game pairs).
 */
const argsFor = (recorded: JsonObject): RunArgs => {
  const { book_sri: _sri, spsa, sprt, ...plain } = recorded;
  const common = { ...(plain as unknown as Partial<RunArgs>), tc: '20+0', new_tc: '20+0' };
  if (isObject(spsa)) return spsaRunArgs({ ...common }, 'Foo,50,0,100,5,0.01');
  if (isObject(sprt)) return fixedGamesArgs({ ...common, sprt: sprt as unknown as RunArgs['sprt'] });
  return fixedGamesArgs(common);
};

const pgnFor = (runId: string, taskId: number): string =>
  gzipSync(Buffer.from(`[Event "replay"]\n[Site "${runId}-${taskId}"]\n\n1. e4 e5 2. Nf3 Nc6 1/2-1/2\n`)).toString('base64');

describe('replay of the recorded worker conversation', () => {
  let w: WorkerApp;
  let seed = 12345;

  beforeAll(async () => {
    w = await startWorkerApp({
      env: { NN_URL },
      runService: {
        cpuHoursOf: () => 5000,
        bookSriOf: (book) => (book === 'fake.epd' ? BOOK_SRI : undefined),
        // A fixed sequence, so that SPSA flips are the same on every run of the test.
        random: () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed / 2 ** 31;
        },
      },
    });
    await w.registerUser('harness', PASSWORD);
    const blobs = w.container.resolve(TOKENS.blobStore);
    const net = await blobs.put(Buffer.from('a network file'));
    await blobs.setName('nn', 'nn-5989f9d4491d.nnue', net.sha256);
  });
  afterAll(async () => {
    await w.close();
  });

  it('has the recording', () => {
    expect(exchanges.length).toBe(86);
  });

  it('answers every recorded request with the recorded status and shape', async () => {
    const runIds = new Map<string, string>();
    const issuedSig = new Map<string, number>();

    for (const [index, exchange] of exchanges.entries()) {
      const label = `#${index} ${exchange.path}`;

      if (exchange.path.startsWith('GET ')) {
        const url = exchange.path.slice(4);
        const response = await w.app.inject({ method: 'GET', url });
        expect(response.statusCode, label).toBe(302);
        expect(response.headers.location, label).toBe(`${NN_URL}${String(exchange.resp['redirect'])}`);
        continue;
      }

      const recordedRun = isObject(exchange.resp['run']) ? exchange.resp['run'] : undefined;
      if (recordedRun && !runIds.has(String(recordedRun['_id']))) {
        const ours = await w.seedRun({ ...argsFor(recordedRun['args'] as JsonObject), username: 'harness' });
        runIds.set(String(recordedRun['_id']), ours);
      }

      const body = structuredClone(exchange.req) as JsonObject;
      body['password'] = PASSWORD;
      if (typeof body['run_id'] === 'string') {
        const mapped = runIds.get(body['run_id']);
        expect(mapped, `${label}: a run the replay created`).toBeDefined();
        body['run_id'] = mapped ?? '';
      }
      const taskKey = `${String(body['run_id'])}/${String(body['task_id'])}`;
      if (isObject(body['spsa']) && issuedSig.has(taskKey)) body['spsa']['sig'] = issuedSig.get(taskKey) ?? 0;
      if (typeof body['pgn'] === 'string') body['pgn'] = pgnFor(String(body['run_id']), Number(body['task_id']));

      const response = await w.app.inject({ method: 'POST', url: exchange.path, payload: body });
      expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBe(200);
      const reply = response.json() as JsonObject;
      expect(shapeDifferences(exchange.resp, reply, 'reply', mayHaveMoreKeys), label).toEqual([]);

      if (recordedRun) {
        const run = reply['run'] as JsonObject;
        expect(run['_id'], label).toBe(runIds.get(String(recordedRun['_id'])));
        expect(reply['task_id'], label).toBe(exchange.resp['task_id']);
        expect(run['my_task'], label).toEqual(recordedRun['my_task']);
        expect((run['args'] as JsonObject)['book_sri'], label).toBe(BOOK_SRI);
      }
      if (exchange.path === '/api/update_task') expect(reply['task_alive'], label).toBe(exchange.resp['task_alive']);
      if (exchange.path === '/api/request_task' && 'task_waiting' in exchange.resp) expect(reply['task_waiting'], label).toBe(false);
      if (exchange.path === '/api/request_spsa') issuedSig.set(taskKey, Number(reply['sig']));
    }

    // What the replay left behind: no task still active; every run finished but the last one,
    // whose only task failed (fastchess crashed) and which waits for the next worker.
    const last = runIds.get('9aa2ea052d1e3aa2f0fcd858');
    for (const [recorded, runId] of runIds) {
      const run = await w.run(runId);
      expect(run.finished, recorded).toBe(runId !== last);
      expect(run.workers, recorded).toBe(0);
    }
    const sprt = await w.run(runIds.get('6524c4202e1e8dc9df13a1bf') ?? '');
    expect(sprt.results.wins + sprt.results.losses + sprt.results.draws).toBe(96);
    const spsa = await w.run(runIds.get('7f7b20ba7295fbdca1658cd6') ?? '');
    expect(spsa.args.spsa?.iter).toBe(48);
    const wrongBench = await w.run(runIds.get('e92b6b3ecfa33677a970b0b7') ?? '');
    expect(wrongBench).toMatchObject({ failed: true, failures: 1 });
  });
});
