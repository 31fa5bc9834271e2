import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerApp } from '../../support/workerApp.js';
import { createConversation, exchanges, isObject, startConversationApp, type Json, type JsonObject } from './support/recordedConversation.js';
import { seededRandom } from '../../support/seededRandom.js';

/*
 * Bad input is the client's mistake, never the server's: before each request of the recorded
 * conversation, variants of it without each of its top-level keys, with one value changed, removed
 * or added anywhere in the body, and bodies that are not JSON objects at all, must be answered 200,
 * 400 or 401 inside the envelope, never 500. A fixed seed keeps the variants the same from run to
 * run.
 */

const VARIANTS_PER_REQUEST = 24;

const REPLACEMENTS: readonly Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  1e308,
  -1e308,
  '',
  'x',
  'NaN',
  '-1',
  '1e400',
  '__proto__',
  'x'.repeat(5_000),
  [],
  [1, 'a', null],
  {},
  { constructor: { prototype: { polluted: true } } },
];

type Random = () => number;
const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T;

/** Every place in the body a value sits: [container, key] pairs, nested ones included. */
const slots = (value: Json, found: Array<[JsonObject | Json[], string | number]> = []): Array<[JsonObject | Json[], string | number]> => {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push([value, index]);
      slots(item, found);
    });
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      found.push([value, key]);
      slots(item, found);
    }
  }
  return found;
};

const containers = (value: Json): JsonObject[] =>
  isObject(value) ? [value, ...Object.values(value).flatMap(containers)] : Array.isArray(value) ? value.flatMap(containers) : [];

/** One variant of `body`: a value replaced, a key removed, or a key added somewhere in it. */
const variantOf = (body: JsonObject, random: Random): { description: string; payload: Json } => {
  const copy = structuredClone(body);
  const choice = random();
  if (choice < 0.6) {
    const [container, key] = pick(slots(copy), random);
    const replacement = structuredClone(pick(REPLACEMENTS, random));
    (container as Record<string | number, Json>)[key] = replacement;
    return { description: `${String(key)} = ${JSON.stringify(replacement).slice(0, 40)}`, payload: copy };
  }
  if (choice < 0.85) {
    const [container, key] = pick(slots(copy), random);
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
    return { description: `without ${String(key)}`, payload: copy };
  }
  const target = pick(containers(copy), random);
  const key = pick(['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty'], random);
  Object.defineProperty(target, key, { value: pick(REPLACEMENTS, random), enumerable: true, writable: true, configurable: true });
  return { description: `with an added ${key}`, payload: copy };
};

const NOT_OBJECTS: ReadonlyArray<{ description: string; payload: string; contentType: string }> = [
  { description: 'a JSON array', payload: '[1, 2]', contentType: 'application/json' },
  { description: 'a JSON string', payload: '"hello"', contentType: 'application/json' },
  { description: 'JSON null', payload: 'null', contentType: 'application/json' },
  { description: 'truncated JSON', payload: '{"password": "x", "worker_info": {', contentType: 'application/json' },
  { description: 'an empty body', payload: '', contentType: 'application/json' },
  { description: 'a form', payload: 'password=x&worker_info=y', contentType: 'application/x-www-form-urlencoded' },
  { description: 'plain text', payload: 'hello', contentType: 'text/plain' },
];

describe('worker API: mutated requests of the recorded conversation', () => {
  let w: WorkerApp;

  beforeAll(async () => {
    w = await startConversationApp();
  });
  afterAll(async () => {
    await w.close();
  });

  it('answers every variant with 200, 400 or 401 in the envelope, never 500', async () => {
    const random = seededRandom(20261127);
    const conversation = createConversation(w);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    let realAccepted = 0;

    const check = async (path: string, description: string, payload: string, contentType: string): Promise<void> => {
      const response = await w.app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': contentType } });
      sent += 1;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const where = `${path} ${description}`;
      if (![200, 400, 401].includes(response.statusCode)) problems.push(`${where}: status ${response.statusCode} ${response.body.slice(0, 200)}`);
      let reply: unknown;
      try {
        reply = JSON.parse(response.body);
      } catch {
        problems.push(`${where}: not JSON: ${response.body.slice(0, 200)}`);
        return;
      }
      if (!isObject(reply as Json) || typeof (reply as JsonObject)['duration'] !== 'number') {
        problems.push(`${where}: no duration in ${response.body.slice(0, 200)}`);
      } else if (response.statusCode !== 200) {
        const error = (reply as JsonObject)['error'];
        if (typeof error !== 'string' || !error.startsWith(`${path}: `)) problems.push(`${where}: error not prefixed with the path: ${String(error)}`);
      }
    };

    for (const exchange of exchanges) {
      if (exchange.path.startsWith('GET ')) continue;
      const body = await conversation.requestFor(exchange);
      // Every top-level key missing in turn, then random variants at any depth.
      for (const key of Object.keys(body)) {
        const { [key]: _left, ...without } = body;
        await check(exchange.path, `without ${key}`, JSON.stringify(without), 'application/json');
      }
      for (let n = 0; n < VARIANTS_PER_REQUEST; n += 1) {
        const { description, payload } = variantOf(body, random);
        await check(exchange.path, description, JSON.stringify(payload), 'application/json');
      }
      for (const { description, payload, contentType } of NOT_OBJECTS) await check(exchange.path, description, payload, contentType);
      // The real request last, so the conversation goes on (a variant may have changed the run).
      const response = await w.app.inject({ method: 'POST', url: exchange.path, payload: body });
      expect([200, 400, 401], `${exchange.path}: ${response.body.slice(0, 200)}`).toContain(response.statusCode);
      if (response.statusCode === 200 && !('error' in (response.json() as JsonObject))) realAccepted += 1;
      conversation.answered(exchange, body, response.json() as JsonObject);
    }

    expect(problems).toEqual([]);
    // The variants reached past validation too: some were accepted.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(2_000);
    // The conversation itself went on (the variants reached every stage of the runs, SPSA included).
    expect(realAccepted).toBeGreaterThanOrEqual(75);
  });
});
