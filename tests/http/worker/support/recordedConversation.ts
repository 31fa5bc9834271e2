import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { TOKENS } from '../../../../src/container.js';
import type { RunArgs } from '../../../../src/domain/runs/args.js';
import { fixedGamesArgs, spsaRunArgs } from '../../../support/runArgs.js';
import { startWorkerApp, type WorkerApp } from '../../../support/workerApp.js';
import { seededRandom } from '../../../support/seededRandom.js';

/*
 * The conversation the unmodified worker (version 325) had with a stand-in server in the recorded
 * scenarios (SPRT, fixed games, SPSA, wrong bench, engine warning, fastchess crash), and how to
 * send its requests to this server: run ids are mapped to runs created here, the SPSA `sig` sent
 * back is the one this server issued, the redacted password and PGNs are replaced.
 */

const FIXTURE = new URL('../fixtures/worker-conversation.jsonl', import.meta.url);
export const PASSWORD = 'replayed-secret-7';
export const BOOK_SRI = 'MdpRYNA6x01OnluhAIppFFUafJohL50i8fnt2U2vHRKfxvJsgrKWvG3wP/9ezYgT';
export const NN_URL = 'http://nets.example';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Exchange {
  path: string;
  req: JsonObject | null;
  resp: JsonObject;
}

export const exchanges: Exchange[] = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Exchange);

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** The application with the recording's account, book and network, and a fixed random sequence. */
export const startConversationApp = async (): Promise<WorkerApp> => {
  const random = seededRandom(12345);
  const w = await startWorkerApp({
    env: { NN_URL },
    runService: {
      cpuHoursOf: () => 5000,
      bookSriOf: (book) => (book === 'fake.epd' ? BOOK_SRI : undefined),
      // A fixed sequence, so that SPSA flips are the same on every run of the test.
      random,
    },
  });
  await w.registerUser('harness', PASSWORD);
  const blobs = w.container.resolve(TOKENS.blobStore);
  const net = await blobs.put(Buffer.from('a network file'));
  await blobs.setName('nn', 'nn-5989f9d4491d.nnue', net.sha256);
  return w;
};

/** Sends the recorded requests to one application, creating the runs they need as it goes. */
export interface Conversation {
  /** The recorded run id → the run created here. */
  readonly runIds: Map<string, string>;
  /** The body to send for a recorded POST, after creating the run its reply names if new. */
  requestFor(exchange: Exchange): Promise<JsonObject>;
  /** Notes what this server answered (the SPSA signature the next update must send back). */
  answered(exchange: Exchange, body: JsonObject, reply: JsonObject): void;
}

export const createConversation = (w: WorkerApp): Conversation => {
  const runIds = new Map<string, string>();
  // Recorded `<run>/<task>` → the task id this server gave (the same unless earlier requests changed the runs).
  const taskIds = new Map<string, number>();
  const issuedSig = new Map<string, number>();
  const taskKey = (body: JsonObject): string => `${String(body['run_id'])}/${String(body['task_id'])}`;
  return {
    runIds,
    async requestFor(exchange) {
      const recordedRun = isObject(exchange.resp['run']) ? exchange.resp['run'] : undefined;
      if (recordedRun && !runIds.has(String(recordedRun['_id']))) {
        const ours = await w.seedRun({ ...argsFor(recordedRun['args'] as JsonObject), username: 'harness' });
        runIds.set(String(recordedRun['_id']), ours);
      }
      const body = structuredClone(exchange.req) as JsonObject;
      body['password'] = PASSWORD;
      if (typeof body['run_id'] === 'string' && typeof body['task_id'] === 'number') {
        body['task_id'] = taskIds.get(`${body['run_id']}/${body['task_id']}`) ?? body['task_id'];
      }
      if (typeof body['run_id'] === 'string') {
        const mapped = runIds.get(body['run_id']);
        if (mapped === undefined) throw new Error(`${exchange.path} names run ${body['run_id']}, which the replay did not create`);
        body['run_id'] = mapped;
      }
      if (isObject(body['spsa']) && issuedSig.has(taskKey(body))) body['spsa']['sig'] = issuedSig.get(taskKey(body)) ?? 0;
      if (typeof body['pgn'] === 'string') body['pgn'] = pgnFor(String(body['run_id']), Number(body['task_id']));
      return body;
    },
    answered(exchange, body, reply) {
      if (exchange.path === '/api/request_spsa' && typeof reply['sig'] === 'number') issuedSig.set(taskKey(body), reply['sig']);
      // The task given may belong to another run than the recorded one, when earlier requests left
      // a run open that the recording had finished: later requests then name that run and task.
      const recordedRun = exchange.resp['run'];
      const givenRun = reply['run'];
      if (isObject(recordedRun) && isObject(givenRun) && typeof reply['task_id'] === 'number') {
        runIds.set(String(recordedRun['_id']), String(givenRun['_id']));
        taskIds.set(`${String(recordedRun['_id'])}/${String(exchange.resp['task_id'])}`, reply['task_id']);
      }
    },
  };
};
