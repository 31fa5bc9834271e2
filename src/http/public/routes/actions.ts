import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ActionDocument } from '../../../projections/actions/actionDocument.js';
import { ACTIONS } from '../../../projections/actions/actionsProjection.js';
import type { Where } from '../../../stores/documents/port.js';
import { actionFilterFromBody, actionFilterFromQuery } from '../actionsQuery.js';
import type { PublicApiContext } from '../context.js';
import { allowAnyOrigin } from '../cors.js';
import { actionsBody, actionsBodyDoc, actionsQueryDoc, errorBody } from '../schemas.js';
import { actionView } from '../views.js';

/** Upstream's cap on one answer of /api/actions. */
export const ACTIONS_API_LIMIT = 200;

const DESCRIPTION =
  'A safe subset of the Mongo filter upstream accepts: equality, $in, $gte and $lte on action, run_id, username ' +
  '(strings) and time (UNIX seconds); anything else is a 400. At most 200 entries, oldest first.';

export const registerActionRoutes = (app: FastifyInstance, { readModels, openApi }: PublicApiContext): void => {
  const answer = async (reply: FastifyReply, where: Where) => {
    allowAnyOrigin(reply);
    const found = await readModels
      .collection<ActionDocument>(ACTIONS)
      .find({ where, sort: { field: '_id', order: 'asc' }, limit: ACTIONS_API_LIMIT });
    return found.map(actionView);
  };
  const responses = {
    200: { description: 'Audit entries', schema: actionsBody },
    400: { description: 'A field or operator outside the safe subset, or a value of the wrong kind', schema: errorBody },
  };

  openApi.add({
    method: 'post',
    path: '/api/actions',
    summary: 'Audit-log entries matching a JSON filter',
    description: DESCRIPTION,
    tags: ['actions'],
    body: actionsBodyDoc,
    responses,
  });
  app.post('/api/actions', async (request, reply) => answer(reply, actionFilterFromBody(request.body)));

  openApi.add({
    method: 'get',
    path: '/api/actions',
    summary: 'Audit-log entries matching query parameters',
    description: `${DESCRIPTION} As parameters: field=value (repeat for a set), field[$in]=a,b, field[$gte]=v, field[$lte]=v.`,
    tags: ['actions'],
    query: actionsQueryDoc,
    responses,
  });
  app.get('/api/actions', async (request, reply) =>
    answer(reply, actionFilterFromQuery(request.query as Record<string, string | string[] | undefined>)),
  );

  app.options('/api/actions', async (_request, reply) =>
    reply.status(405).header('allow', 'GET, HEAD, POST').send({ error: 'Method Not Allowed', statusCode: 405 }),
  );
};
