import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import type { WorkerApp } from '../../support/workerApp.js';
import {
  createConversation,
  exchanges,
  isObject,
  NN_URL,
  BOOK_SRI,
  startConversationApp,
  type Json,
  type JsonObject,
} from './support/recordedConversation.js';

/*
 * Replays the requests the unmodified worker (version 325) made in the recorded scenarios (SPRT,
 * fixed games, SPSA, wrong bench, engine warning, fastchess crash), in order, and checks that
 * every reply has the recorded status and shape (keys and value types). The recording's values
 * came from a stand-in server, so ids, sizes and SPSA signatures are adapted to the runs this
 * server creates (see support/recordedConversation.ts).
 */

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

describe('replay of the recorded worker conversation', () => {
  let w: WorkerApp;

  beforeAll(async () => {
    w = await startConversationApp();
  });
  afterAll(async () => {
    await w.close();
  });

  it('has the recording', () => {
    expect(exchanges.length).toBe(86);
  });

  it('answers every recorded request with the recorded status and shape', async () => {
    const conversation = createConversation(w);
    const { runIds } = conversation;

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
      const body = await conversation.requestFor(exchange);
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
      conversation.answered(exchange, body, reply);
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
