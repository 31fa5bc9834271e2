import type { FastifyInstance } from 'fastify';
import { calcElo } from '../../../domain/stats/index.js';
import type { PublicApiContext } from '../context.js';
import { PublicApiError, badRequest } from '../errors.js';
import { calcEloBody, calcEloQuery, errorBody } from '../schemas.js';

export const registerEloRoutes = (app: FastifyInstance, { openApi }: PublicApiContext): void => {
  openApi.add({
    method: 'get',
    path: '/api/calc_elo',
    summary: 'Elo of game results: fixed-games estimate, or with elo0/elo1 the SPRT estimate',
    description:
      'W/D/L or the pentanomial LL/LD/DDWL/WD/WW (which wins when all five are given); at most 2^32 games. ' +
      'With elo0 and elo1 (|elo| ≤ 10, elo1 ≥ elo0 + 0.5) the SPRT estimate with α = β = 0.05.',
    tags: ['statistics'],
    query: calcEloQuery,
    responses: {
      200: { description: 'The estimate', schema: calcEloBody },
      400: { description: "Invalid values, with upstream's message", schema: errorBody },
      422: { description: 'Valid values whose statistics cannot be computed (upstream answers 500)', schema: errorBody },
    },
  });
  app.get('/api/calc_elo', async (request) => {
    const parameters = calcEloQuery.parse(request.query);
    const defined = Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const outcome = calcElo(defined);
    switch (outcome.kind) {
      case 'estimate':
        return outcome.body;
      case 'rejected':
        throw badRequest(outcome.message);
      case 'not-computable':
        throw new PublicApiError(422, `The statistics cannot be computed for these values (${outcome.failure.code}).`);
    }
  });
};
