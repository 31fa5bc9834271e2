import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calcElo } from '../../../src/domain/stats/index.js';
import { startPublicApp, type PublicApp } from './support/publicApp.js';
import { buildSeed, RUN_ACTIVE } from './support/seed.js';
import { RUN_SPRT } from './support/runScenario.js';

describe('public API: tasks and Elo', () => {
  let api: PublicApp;
  beforeAll(async () => {
    api = await startPublicApp();
    await api.append(buildSeed().events);
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url });

  describe('GET /api/get_task/:id/:task', () => {
    it('answers a task with its worker key cut and its address hidden', async () => {
      const response = await get(`/api/get_task/${RUN_SPRT}/0`);
      expect(response.statusCode).toBe(200);
      const task = response.json() as Record<string, unknown>;
      expect(task).toEqual({
        num_games: 480,
        active: false,
        last_updated: '2026-11-01 12:20:00+00:00',
        start: 0,
        stats: { wins: 16, losses: 8, draws: 104, crashes: 0, time_losses: 0, pentanomial: [4, 0, 52, 0, 8] },
        worker_info: expect.objectContaining({ username: 'alice', unique_key: 'm0000001...', remote_addr: '?.?.?.?', concurrency: 8 }),
      });
      expect(JSON.stringify(task)).not.toContain('198.51.100');
    });

    it('answers an active task and a purged one', async () => {
      expect((await get(`/api/get_task/${RUN_ACTIVE}/0`)).json()).toMatchObject({ active: true, num_games: expect.any(Number) });
      const purged = await get(`/api/get_task/${RUN_SPRT}/1`);
      expect(purged.json()).toMatchObject({ bad: true, active: false, stats: { wins: 0, losses: 0, draws: 0 } });
      const copy = await get(`/api/get_task/${RUN_SPRT}/0bad`);
      expect(copy.statusCode).toBe(200);
      expect(copy.json()).toMatchObject({
        task_id: 1,
        bad: true,
        residual: 10,
        residual_color: 'red',
        stats: { crashes: 5, wins: 4 },
        worker_info: { unique_key: 'm0000002...', remote_addr: '?.?.?.?' },
      });
    });

    it.each([`${RUN_SPRT}/9`, `${RUN_SPRT}/1bad`, `${RUN_SPRT}/x`, `${RUN_SPRT}/-1`, `${RUN_SPRT}/1.0`, 'nope/0', `${RUN_SPRT}/bad`])(
      'answers 404 for %s',
      async (reference) => {
        const response = await get(`/api/get_task/${reference}`);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ statusCode: 404, error: expect.stringContaining('does not exist') });
      },
    );
  });

  describe('GET /api/calc_elo', () => {
    const expectEstimate = async (query: string, parameters: Record<string, string>) => {
      const response = await get(`/api/calc_elo?${query}`);
      expect(response.statusCode).toBe(200);
      const outcome = calcElo(parameters);
      expect(outcome.kind).toBe('estimate');
      expect(response.json()).toEqual(JSON.parse(JSON.stringify(outcome.kind === 'estimate' ? outcome.body : null)));
      return response.json() as Record<string, unknown>;
    };

    it('estimates fixed-games Elo from W/D/L and SPRT Elo from a pentanomial with bounds', async () => {
      const fixed = await expectEstimate('W=120&D=300&L=100', { W: '120', D: '300', L: '100' });
      expect(Object.keys(fixed).sort()).toEqual(['LOS', 'ci', 'elo']);
      const sprt = await expectEstimate('LL=5&LD=60&DDWL=300&WD=70&WW=8&elo0=0&elo1=2', { LL: '5', LD: '60', DDWL: '300', WD: '70', WW: '8', elo0: '0', elo1: '2' });
      expect(Object.keys(sprt).sort()).toEqual(['LLR', 'LOS', 'a', 'b', 'ci', 'elo']);
      await expectEstimate('W=1&D=2&L=3&elo0=-1.5&elo1=0.5&elo_model=logistic', { W: '1', D: '2', L: '3', elo0: '-1.5', elo1: '0.5', elo_model: 'logistic' });
    });

    it('takes the last value of a repeated parameter', async () => {
      await expectEstimate('W=1&W=120&D=300&L=100', { W: '120', D: '300', L: '100' });
    });

    it.each([
      ['', 'Invalid or missing parameters. Please provide all values as valid numbers.'],
      ['W=1&D=2', 'Invalid or missing parameters. Please provide all values as valid numbers.'],
      ['W=a&D=2&L=3', 'Invalid or missing parameters. Please provide all values as valid numbers.'],
      ['W=1.5&D=2&L=3', 'Invalid or missing parameters. Please provide all values as valid numbers.'],
      ['W=0&D=0&L=0', 'No games to calculate Elo.'],
      ['W=4294967296&D=1&L=0', 'Number of games exceeds the limit.'],
      ['W=1&D=2&L=3&elo0=1&elo1=1.2', 'Bad elo0, and elo1 values.'],
      ['W=1&D=2&L=3&elo0=0&elo1=11', 'Bad elo0, and elo1 values.'],
      ['W=1&D=2&L=3&elo0=0&elo1=2&elo_model=glicko', 'Valid Elo models are: BayesElo, logistic, and normalized.'],
    ])("refuses bad input with upstream's message (%s)", async (query, message) => {
      const response = await get(`/api/calc_elo?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: message, statusCode: 400 });
    });
  });
});
