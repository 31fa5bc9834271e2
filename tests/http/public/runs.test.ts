import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sprtElo } from '../../../src/domain/stats/index.js';
import type { Results } from '../../../src/domain/shared/results.js';
import { startPublicApp, type PublicApp } from './support/publicApp.js';
import { buildSeed, finishedRunId, FINISHED_COUNT, RUN_ACTIVE } from './support/seed.js';
import { RUN_FIXED, RUN_PENDING, RUN_SPRT, RUN_SPSA } from './support/runScenario.js';

const PYTHON_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;

describe('public API: runs', () => {
  let api: PublicApp;
  beforeAll(async () => {
    api = await startPublicApp();
    await api.append(buildSeed().events);
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url });

  describe('GET /api/active_runs', () => {
    it('lists every unfinished run, approved or not, keyed by id, without tasks', async () => {
      const response = await get('/api/active_runs');
      expect(response.statusCode).toBe(200);
      const body = response.json() as Record<string, Record<string, unknown>>;
      expect(Object.keys(body).sort()).toEqual([RUN_PENDING, RUN_ACTIVE].sort());
      const active = body[RUN_ACTIVE]!;
      expect(active).toMatchObject({ _id: RUN_ACTIVE, workers: 1, cores: 8, approved: true, finished: false, args: { new_tag: 'busy' } });
      expect(active.start_time).toMatch(PYTHON_TIME);
      expect(active.start_time).toBe('2026-11-01 12:50:00+00:00');
      expect(active).not.toHaveProperty('tasks');
      expect(active).not.toHaveProperty('bad_tasks');
      expect(active).not.toHaveProperty('status');
      expect(body[RUN_PENDING]).toMatchObject({ approved: false, workers: 0 });
    });
  });

  describe('GET /api/finished_runs', () => {
    const page = async (query: string) => {
      const response = await get(`/api/finished_runs?${query}`);
      expect(response.statusCode).toBe(200);
      return response.json() as Record<string, Record<string, unknown>>;
    };

    it('answers 50 runs a page, newest update first, without deleted runs', async () => {
      const first = await page('page=1');
      const ids = Object.keys(first);
      expect(ids).toHaveLength(50);
      expect(ids.slice(0, 3)).toEqual([finishedRunId(119), finishedRunId(118), finishedRunId(117)]);
      const updates = ids.map((id) => first[id]!.last_updated as string);
      expect([...updates].sort().reverse()).toEqual(updates);
      // 120 synthetic runs plus the failed SPRT and the fixed-games run; the deleted SPSA run is left out.
      const third = await page('page=3');
      expect(Object.keys(third)).toHaveLength(FINISHED_COUNT + 2 - 100);
      expect(Object.keys(third)).toEqual(expect.arrayContaining([RUN_SPRT, RUN_FIXED]));
      expect(Object.keys(third)).not.toContain(RUN_SPSA);
      expect(await page('page=4')).toEqual({});
      for (const run of Object.values(first)) expect(run.finished).toBe(true);
    });

    it('filters green, yellow and LTC runs, by user and by update time', async () => {
      const greens = Object.values(await page('page=1&success_only=1'));
      expect(greens).toHaveLength(FINISHED_COUNT / 4);
      expect(greens.every((run) => run.is_green === true)).toBe(true);
      const yellows = Object.values(await page('page=1&yellow_only=true'));
      expect(yellows.length).toBe(FINISHED_COUNT / 4);
      expect(yellows.every((run) => run.is_yellow === true)).toBe(true);
      const ltc = Object.values(await page('page=1&ltc_only=1'));
      // Every third synthetic run, and the fixed-games run at 60+0.6.
      expect(ltc).toHaveLength(FINISHED_COUNT / 3 + 1);
      expect(ltc.every((run) => (run.tc_base as number) >= 40)).toBe(true);
      const bobs = Object.values(await page('page=2&username=bob'));
      expect(bobs.every((run) => (run.args as { username: string }).username === 'bob')).toBe(true);
      // The fixed-games run is bob's as well: 60 synthetic runs + 1.
      expect(bobs).toHaveLength(61 - 50);
      // Runs updated at or after the 110th synthetic one (13:00 + 110 min).
      const since = Date.UTC(2026, 10, 1, 13, 0) / 1000 + 110 * 60;
      expect(Object.keys(await page(`page=1&timestamp=${since}`))).toHaveLength(10);
      expect(Object.keys(await page(`page=1&timestamp=${since}.5`))).toHaveLength(9);
    });

    it('reads false and 0 as false, unlike upstream', async () => {
      expect(Object.keys(await page('page=1&success_only=0&yellow_only=false&ltc_only='))).toHaveLength(50);
    });

    it.each([
      ['', 'Please provide a Page number.'],
      ['page=', 'Please provide a Page number.'],
      ['page=abc', 'Please provide a valid Page number.'],
      ['page=0', 'Please provide a valid Page number.'],
      ['page=-1', 'Please provide a valid Page number.'],
      ['page=1.5', 'Please provide a valid Page number.'],
    ])('refuses a missing or bad page number (%s)', async (query, message) => {
      const response = await get(`/api/finished_runs?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: message, statusCode: 400 });
    });

    it.each([
      ['page=1&success_only=yes', 'success_only'],
      ['page=1&ltc_only=2', 'ltc_only'],
      ['page=1&yellow_only=1&yellow_only=0', 'yellow_only'],
      ['page=1&timestamp=123', 'timestamp'],
      ['page=1&timestamp=1700000000x', 'timestamp'],
    ])('refuses a bad flag or timestamp (%s)', async (query, field) => {
      const response = await get(`/api/finished_runs?${query}`);
      expect(response.statusCode).toBe(400);
      expect((response.json() as { error: string }).error).toContain(field);
    });
  });

  describe('GET /api/get_run/:id', () => {
    it('answers the run with empty task lists, Python times and open CORS', async () => {
      const response = await get(`/api/get_run/${RUN_SPRT}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-headers']).toBe('content-type');
      const run = response.json() as Record<string, unknown>;
      expect(run).toMatchObject({
        _id: RUN_SPRT,
        tasks: [],
        bad_tasks: [],
        finished: true,
        failed: true,
        failures: 1,
        approver: 'approver1',
        args: { new_tag: 'sprt-branch', sprt: { elo0: 0, elo1: 2 } },
        results: { pentanomial: expect.any(Array) },
      });
      expect(run.start_time).toBe('2026-11-01 12:00:00+00:00');
      expect(run.last_updated).toMatch(PYTHON_TIME);
    });

    it('empties the SPSA history of an SPSA run', async () => {
      const run = (await get(`/api/get_run/${RUN_SPSA}`)).json() as { args: { spsa: Record<string, unknown> } };
      expect(run.args.spsa).toHaveProperty('params');
      expect(run.args.spsa.param_history ?? []).toEqual([]);
    });

    it('answers 404 for an unknown run, and 405 to OPTIONS', async () => {
      const response = await get('/api/get_run/doesnotexist');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'The run doesnotexist does not exist', statusCode: 404 });
      const options = await api.app.inject({ method: 'OPTIONS', url: `/api/get_run/${RUN_SPRT}` });
      expect(options.statusCode).toBe(405);
    });
  });

  describe('GET /api/get_elo/:id', () => {
    it('adds the SPRT Elo estimate to the stripped run', async () => {
      const response = await get(`/api/get_elo/${RUN_SPRT}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { elo: unknown; results: Results; tasks: unknown[] };
      const expected = sprtElo(body.results, { alpha: 0.05, beta: 0.05, elo0: 0, elo1: 2, eloModel: 'normalized' });
      expect(expected.ok).toBe(true);
      expect(body.elo).toEqual(JSON.parse(JSON.stringify(expected.ok ? expected.value : null)));
      expect(body.elo).toMatchObject({ a: expect.any(Number), b: expect.any(Number), ci: [expect.any(Number), expect.any(Number)], LOS: expect.any(Number), LLR: expect.any(Number) });
      expect(body.tasks).toEqual([]);
    });

    it('answers {} for a run that is not an SPRT, and 404 for an unknown run', async () => {
      const fixed = await get(`/api/get_elo/${RUN_FIXED}`);
      expect(fixed.statusCode).toBe(200);
      expect(fixed.json()).toEqual({});
      expect((await get('/api/get_elo/nope')).statusCode).toBe(404);
    });
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await get('/api/no_such_thing');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404 });
  });
});
