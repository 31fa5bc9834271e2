import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithMongo } from '../../support/ferretdb.js';
import { startPublicApp, type PublicApp } from './support/publicApp.js';
import { buildSeed, RUN_ACTIVE } from './support/seed.js';
import { seededRandom } from '../../support/seededRandom.js';

/*
 * Bad input is the client's mistake, never the server's: odd query strings, path parameters and
 * /api/actions filters must be answered below 500, as JSON. A fixed seed keeps the variants the
 * same from run to run.
 */

const VALUES = [
  '',
  '0',
  '-1',
  '1.5',
  '1e400',
  'NaN',
  'Infinity',
  'true',
  'no',
  'x'.repeat(3_000),
  '__proto__',
  'constructor',
  '%00',
  '%ZZ',
  "'; DROP TABLE runs; --",
  '{"$gt":""}',
  '[]',
  RUN_ACTIVE,
  `${RUN_ACTIVE}x`,
];
const PARAMETERS = ['page', 'ltc_only', 'success_only', 'yellow_only', 'username', 'timestamp', 'wins', 'losses', 'draws', 'W', 'D', 'L', 'LL', 'LD', 'DD', 'WL', 'WD', 'WW', 'elo0', 'elo1', 'draw_ratio', 'rms_bias', 'action', 'run_id', 'time', 'time[$gte]', 'time[$in]', 'action[$in]', 'username[$regex]', 'run_id[$where]', 'max_count', 'unknown'];

const FILTER_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1e308,
  1e308,
  'x',
  '',
  [],
  [1, 'a'],
  Array.from({ length: 500 }, (_, n) => `a${n}`),
  {},
  { $in: [] },
  { $in: 'x' },
  { $gte: 'x', $lte: 5 },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $ne: null },
  { $in: [{ $gt: 1 }] },
  { nested: { deeper: { $gt: 1 } } },
];
const FILTER_KEYS = ['action', 'run_id', 'username', 'time', '$or', '$and', '$where', '__proto__', 'constructor', 'message', '_id'];

const oddRequestsSuite = (start: () => Promise<PublicApp>): void => {
  let api: PublicApp;
  beforeAll(async () => {
    api = await start();
    await api.append(buildSeed().events);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('answers every odd query, path and filter below 500, as JSON', async () => {
    const random = seededRandom(27112026);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const problems: string[] = [];
    const statuses = new Map<number, number>();

    const check = async (method: 'GET' | 'POST', url: string, payload?: string): Promise<void> => {
      const response = await api.app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/json' } }),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const where = `${method} ${url.slice(0, 120)}${payload === undefined ? '' : ` ${payload.slice(0, 120)}`}`;
      if (response.statusCode >= 500) problems.push(`${where}: status ${response.statusCode} ${response.body.slice(0, 200)}`);
      const type = String(response.headers['content-type'] ?? '');
      if (response.statusCode !== 302 && !type.startsWith('application/json') && !type.startsWith('text/plain')) {
        problems.push(`${where}: content type ${type}`);
      }
    };

    const query = (): string =>
      Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${encodeURIComponent(pick(PARAMETERS))}=${pick(VALUES)}`).join('&');
    const segment = (): string => pick(VALUES);

    for (let n = 0; n < 150; n += 1) {
      await check('GET', `/api/active_runs?${query()}`);
      await check('GET', `/api/finished_runs?${query()}`);
      await check('GET', `/api/get_run/${segment()}?${query()}`);
      await check('GET', `/api/get_task/${segment()}/${segment()}`);
      await check('GET', `/api/get_elo/${segment()}`);
      await check('GET', `/api/calc_elo?${query()}`);
      await check('GET', `/api/actions?${query()}`);
      const filter = Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => [pick(FILTER_KEYS), pick(FILTER_VALUES)]),
      );
      await check('POST', '/api/actions', JSON.stringify(filter));
      await check('POST', '/api/actions', pick(['[]', '"x"', 'null', '{', '{"action": {"$in": [', '1']));
    }

    expect(problems).toEqual([]);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });
};

describe('public API: odd requests on the embedded stores', () => oddRequestsSuite(() => startPublicApp()));

describeWithMongo('public API: odd requests on the MongoDB read store', (mongo) =>
  oddRequestsSuite(() => startPublicApp({}, { READ_STORE_URL: `${mongo.url().replace(/\/$/, '')}/odd_${randomUUID().slice(0, 8)}` })),
);
