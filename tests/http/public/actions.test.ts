import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionFilterFromBody, actionFilterFromQuery, ActionQueryError } from '../../../src/http/public/actionsQuery.js';
import { startPublicApp, type PublicApp } from './support/publicApp.js';
import { buildSeed, RUN_ACTIVE, WORKER_LOGS } from './support/seed.js';
import { RUN_FIXED, RUN_SPRT, RUN_SPSA } from './support/runScenario.js';

interface Entry {
  _id: string;
  time: number;
  action: string;
  username: string;
  run_id?: string;
}

describe('public API: /api/actions', () => {
  let api: PublicApp;
  beforeAll(async () => {
    api = await startPublicApp();
    await api.append(buildSeed().events);
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  const post = (payload: unknown) =>
    api.app.inject({ method: 'POST', url: '/api/actions', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
  const get = (query: string) => api.app.inject({ method: 'GET', url: `/api/actions?${query}` });
  const entries = (response: { json(): unknown }) => response.json() as Entry[];

  it('answers at most 200 entries, oldest first, with open CORS', async () => {
    const response = await post({});
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
    const all = entries(response);
    expect(all).toHaveLength(200);
    expect(all.map((entry) => entry._id)).toEqual([...all.map((entry) => entry._id)].sort());
    expect(all[0]).toMatchObject({ action: 'accept_user', username: 'approver1', user: 'alice' });
    expect(all[0]).not.toHaveProperty('_position');
  });

  it("answers the browser notifications' query", async () => {
    const [oldest] = entries(await post({}));
    const since = oldest!.time;
    const response = await post({
      action: { $in: ['finished_run', 'stop_run', 'delete_run'] },
      run_id: { $in: [RUN_SPRT, RUN_FIXED, RUN_SPSA] },
      time: { $gte: since },
    });
    expect(response.statusCode).toBe(200);
    expect(entries(response).map((entry) => [entry.action, entry.run_id])).toEqual([
      ['finished_run', RUN_FIXED],
      ['stop_run', RUN_SPRT],
      ['stop_run', RUN_SPRT],
      ['delete_run', RUN_SPSA],
    ]);
    // Times are when the log stored the events: select the first stop by its own time.
    const [firstStop] = entries(await post({ action: 'stop_run' }));
    const exactly = entries(await post({ action: 'stop_run', time: { $gte: firstStop!.time, $lte: firstStop!.time } }));
    expect(exactly.map((entry) => entry._id)).toContain(firstStop!._id);
    expect(exactly.every((entry) => entry.time === firstStop!.time && entry.action === 'stop_run')).toBe(true);
  });

  it('takes the same filter as query parameters', async () => {
    expect(entries(await get('action=new_run')).every((entry) => entry.action === 'new_run')).toBe(true);
    expect(entries(await get('action=new_run')).length).toBeGreaterThan(100);
    const logs = entries(await get(`run_id=${RUN_ACTIVE}&action=worker_log`));
    expect(logs).toHaveLength(WORKER_LOGS);
    const twoKinds = entries(await get(`action=stop_run&action=delete_run&run_id[$in]=${RUN_SPRT},${RUN_SPSA}`));
    expect(twoKinds.map((entry) => entry.action)).toEqual(['stop_run', 'stop_run', 'delete_run']);
    const [blocked] = entries(await get('action=block_user'));
    const late = entries(await get(`username=approver1&time[$gte]=${blocked!.time}`));
    expect(late.map((entry) => entry.action)).toContain('block_user');
    expect(late.every((entry) => entry.time >= blocked!.time && entry.username === 'approver1')).toBe(true);
    expect(entries(await get(`username=approver1&time[$lte]=${blocked!.time}`)).length).toBeGreaterThan(1);
  });

  it.each([
    [{ $where: 'sleep(1000)' }, '$where'],
    [{ message: 'x' }, 'message'],
    [{ action: { $regex: '.*' } }, '$regex'],
    [{ action: { $ne: 'new_run' } }, '$ne'],
    [{ action: { $in: 'new_run' } }, 'list'],
    [{ action: ['new_run'] }, 'string'],
    [{ action: { $in: [{ $gt: '' }] } }, 'string'],
    [{ time: 'yesterday' }, 'number'],
    [{ time: { $gte: '1' } }, 'number'],
    [{ username: {} }, 'operator'],
    [[1, 2], 'object'],
    ['new_run', 'object'],
  ])('refuses a query outside the safe subset: %j', async (query, hint) => {
    const response = await post(query);
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: string; statusCode: number };
    expect(body.statusCode).toBe(400);
    expect(body.error).toContain(hint);
  });

  it.each([
    ['foo=1', 'foo'],
    ['time[$gt]=1', '$gt'],
    ['time=soon', 'number'],
    ['time[$gte]=1&time[$gte]=2', 'twice'],
  ])('refuses bad query parameters (%s)', async (query, hint) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: string }).error).toContain(hint);
  });

  it('refuses a body that is not JSON, and answers 405 to OPTIONS', async () => {
    const broken = await api.app.inject({ method: 'POST', url: '/api/actions', payload: '{', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ statusCode: 400 });
    expect((await api.app.inject({ method: 'OPTIONS', url: '/api/actions' })).statusCode).toBe(405);
  });
});

describe('actions filter translation', () => {
  it('turns equality, $in and ranges into typed read-store conditions', () => {
    expect(actionFilterFromBody({ action: 'new_run', time: { $gte: 1, $lte: 2 }, run_id: { $in: ['a', 'b'] } })).toEqual({
      action: { $eq: 'new_run' },
      time: { $gte: 1, $lte: 2 },
      run_id: { $in: ['a', 'b'] },
    });
    expect(actionFilterFromBody(undefined)).toEqual({});
    expect(actionFilterFromQuery({ username: ['a', 'b'], 'time[$lte]': '1.5e9', action: 'x' })).toEqual({
      username: { $in: ['a', 'b'] },
      time: { $lte: 1.5e9 },
      action: { $eq: 'x' },
    });
    expect(actionFilterFromQuery({ 'run_id[$in]': 'a,,b', time: '12' })).toEqual({ run_id: { $in: ['a', 'b'] }, time: { $eq: 12 } });
  });

  it('refuses too many values and unknown fields with an ActionQueryError', () => {
    expect(() => actionFilterFromBody({ action: { $in: Array.from({ length: 201 }, (_, i) => `a${i}`) } })).toThrow(ActionQueryError);
    expect(() => actionFilterFromQuery({ 'nested.field': 'x' })).toThrow(/cannot query actions/);
  });
});
