import { afterAll, describe, expect, it } from 'vitest';
import { CALC_ELO_MESSAGES, calcElo, type CalcEloParameters } from '../../../src/domain/stats/index.js';
import { expectClose, failureCodesFor, loadFixture, reportWorstErrors } from './golden.js';

type Body = { elo: number; ci: [number, number]; LOS: number; a?: number; b?: number; LLR?: number };
type Outcome = { ok: Body } | { rejected: string } | { error: string; message: string };

const { calcElo: cases } = loadFixture<{ calcElo: [CalcEloParameters, Outcome][] }>('calc-elo.json');

afterAll(reportWorstErrors);

describe('/api/calc_elo rules (golden vectors from upstream UserApi.calc_elo)', () => {
  it('answers every recorded query as upstream does', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const [parameters, upstream] of cases) {
      const ours = calcElo(parameters);
      const label = JSON.stringify(parameters);
      if ('rejected' in upstream) {
        expect(ours, label).toEqual({ kind: 'rejected', message: upstream.rejected });
      } else if ('error' in upstream) {
        if (upstream.message.startsWith('invalid literal for int()')) {
          // Upstream crashes (HTTP 500) on counts such as "1.5": we reject them as invalid.
          expect(ours, label).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.invalidParameters });
        } else if (upstream.message.startsWith('could not convert string to float')) {
          expect(ours, label).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.badBounds });
        } else {
          if (ours.kind !== 'not-computable') expect.fail(`${label}: upstream raised ${upstream.error}, we answered ${JSON.stringify(ours)}`);
          expect(failureCodesFor(upstream)).toContain(ours.failure.code);
        }
      } else {
        if (ours.kind !== 'estimate') expect.fail(`${label}: expected an estimate, got ${JSON.stringify(ours)}`);
        const body = ours.body as Body;
        expect(Object.keys(body).sort()).toEqual(Object.keys(upstream.ok).sort());
        for (const key of ['elo', 'LOS', 'a', 'b', 'LLR'] as const) {
          const expected = upstream.ok[key];
          if (expected !== undefined) expectClose(`calc_elo ${key}`, body[key] ?? NaN, expected);
        }
        expectClose('calc_elo ci', body.ci[0], upstream.ok.ci[0]);
        expectClose('calc_elo ci', body.ci[1], upstream.ok.ci[1]);
      }
    }
  });
});

describe('/api/calc_elo limits', () => {
  it('caps the number of games at 2^32 (pairs count double)', () => {
    expect(calcElo({ W: String(2 ** 32), D: '0', L: '0' }).kind).toBe('estimate');
    expect(calcElo({ W: String(2 ** 32), D: '1', L: '0' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.tooManyGames });
    expect(calcElo({ LL: '0', LD: '0', DDWL: String(2 ** 31), WD: '0', WW: '0' }).kind).toBe('estimate');
    expect(calcElo({ LL: '1', LD: '0', DDWL: String(2 ** 31), WD: '0', WW: '0' })).toEqual({
      kind: 'rejected',
      message: CALC_ELO_MESSAGES.tooManyGames,
    });
    expect(calcElo({ W: '99999999999999999999999', D: '0', L: '0' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.tooManyGames });
  });

  it('needs games, and bounds within ±10 at least 0.5 apart', () => {
    expect(calcElo({ W: '0', D: '0', L: '0' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.noGames });
    const games = { W: '120', D: '200', L: '100' };
    expect(calcElo({ ...games, elo0: '0', elo1: '0.4' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.badBounds });
    expect(calcElo({ ...games, elo0: '0', elo1: '0.5' }).kind).toBe('estimate');
    expect(calcElo({ ...games, elo0: '-10.5', elo1: '0' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.badBounds });
    expect(calcElo({ ...games, elo0: '1e1', elo1: '2' })).toEqual({ kind: 'rejected', message: CALC_ELO_MESSAGES.badBounds });
    expect(calcElo({ ...games, elo0: '0', elo1: '2', elo_model: 'Logistic' })).toEqual({
      kind: 'rejected',
      message: CALC_ELO_MESSAGES.badModel,
    });
  });

  it('prefers the pentanomial, and defaults to the normalized model', () => {
    const both = { W: '10', D: '10', L: '10', LL: '1', LD: '3', DDWL: '10', WD: '5', WW: '2', elo0: '0', elo1: '2' };
    const explicit = calcElo({ ...both, elo_model: 'normalized' });
    expect(calcElo(both)).toEqual(explicit);
    const pentanomialOnly = calcElo({ LL: '1', LD: '3', DDWL: '10', WD: '5', WW: '2', elo0: '0', elo1: '2' });
    expect(pentanomialOnly).toEqual(explicit);
  });
});
