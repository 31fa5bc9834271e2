import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/container.js';
import { contributorCpuHours, gamesPerHourByUser, listContributors } from '../../src/projections/contributors/queries.js';
import { listMachines } from '../../src/projections/machines/queries.js';
import { listNetworks } from '../../src/projections/networks/queries.js';
import type { ReadModels } from '../../src/projections/readModels.js';
import { findFinishedRuns, unfinishedRunsOverview } from '../../src/projections/runs/queries.js';
import { startPublicApp, type PublicApp } from '../http/public/support/publicApp.js';
import { buildSeed, finishedRunId, RUN_ACTIVE } from '../http/public/support/seed.js';
import { NET, RUN_PENDING } from '../http/public/support/runScenario.js';

const STC_GAME_SECONDS = (10 + 0.1 * 68) * 2 * 0.92;

describe('read model queries on the embedded stores', () => {
  let api: PublicApp;
  let readModels: ReadModels;
  beforeAll(async () => {
    api = await startPublicApp();
    await api.append(buildSeed().events);
    readModels = api.container.resolve(TOKENS.readModels);
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  it('splits unfinished runs into pending and active, with the fleet totals', async () => {
    const overview = await unfinishedRunsOverview(readModels);
    expect(overview.pending.map((run) => run._id)).toEqual([RUN_PENDING]);
    expect(overview.active.map((run) => run._id)).toEqual([RUN_ACTIVE]);
    expect(overview).toMatchObject({ cores: 8, machines: 1, nps: 8 * 700_000 });
    expect((await unfinishedRunsOverview(readModels, 'carol')).active).toHaveLength(1);
    expect((await unfinishedRunsOverview(readModels, 'nobody')).pending).toEqual([]);
  });

  it('searches finished runs by text', async () => {
    const found = await findFinishedRuns(readModels, { text: 'NEEDLE' }, { skip: 0, limit: 10 });
    expect(found.map((run) => run._id)).toEqual([finishedRunId(7)]);
  });

  it('lists the working machines and their games per hour', async () => {
    const machines = await listMachines(readModels);
    expect(machines.map((machine) => machine._id)).toEqual([`${RUN_ACTIVE}-0`]);
    expect(await listMachines(readModels, { text: 'BUSY' })).toHaveLength(1);
    expect(await listMachines(readModels, { username: 'bob' })).toEqual([]);
    const rates = gamesPerHourByUser(machines);
    expect(rates.get('alice')).toBeCloseTo((700_000 / 628_000) * (3600 / STC_GAME_SECONDS) * 8, 9);
  });

  it("answers a user's CPU hours as the worker API needs them (−1 when unknown)", async () => {
    expect(await contributorCpuHours(readModels, 'alice')).toBeGreaterThan(0);
    expect(await contributorCpuHours(readModels, 'owner')).toBe(0);
    expect(await contributorCpuHours(readModels, 'nobody')).toBe(-1);
  });

  it('ranks contributors all-time and by month', async () => {
    const { contributors, total } = await listContributors(readModels);
    expect(contributors[0]?.username).toBe('alice');
    expect(contributors.map((c) => c.username).sort()).toEqual(['alice', 'bob', 'carol', 'owner']);
    expect(total).toBe(4);
    const monthly = await listContributors(readModels, { month: '2026-11', sort: { field: 'tests', order: 'desc' } });
    expect(monthly.contributors[0]).toMatchObject({ username: 'carol', month: '2026-11' });
    expect((await listContributors(readModels, { month: '2026-10' })).total).toBe(0);
  });

  it('lists networks newest first', async () => {
    const { networks, total } = await listNetworks(readModels);
    expect(total).toBe(2);
    expect(networks.map((n) => n.name)).toEqual(['nn-2222222222bb.nnue', NET]);
    expect((await listNetworks(readModels, { masterOnly: true })).networks.map((n) => n.name)).toEqual([NET]);
  });
});
