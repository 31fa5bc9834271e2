import type { FastifyInstance } from 'fastify';
import { sprtElo } from '../../../domain/stats/index.js';
import type { RunDocument } from '../../../projections/runs/runDocument.js';
import { RUNS } from '../../../projections/runs/runsProjection.js';
import { findFinishedRuns, findUnfinishedRuns, type FinishedRunsFilter } from '../../../projections/runs/queries.js';
import type { PublicApiContext } from '../context.js';
import { allowAnyOrigin } from '../cors.js';
import { badRequest, notFound, type PublicApiError } from '../errors.js';
import { errorBody, eloBody, finishedRunsQuery, runIdParams, runsById, strippedRunBody } from '../schemas.js';
import { listedRun, strippedRun, type RunView } from '../views.js';

export const FINISHED_RUNS_PAGE_SIZE = 50;

const TAGS = ['runs'];

const byId = (runs: readonly RunDocument[]): Record<string, RunView> => {
  const keyed: Record<string, RunView> = {};
  for (const run of runs) keyed[run._id] = listedRun(run);
  return keyed;
};

/** Upstream's messages for the page number of /api/finished_runs. */
const pageNumber = (page: string | undefined): number => {
  if (page === undefined || page === '') throw badRequest('Please provide a Page number.');
  if (!/^\d{1,9}$/.test(page) || Number(page) < 1) throw badRequest('Please provide a valid Page number.');
  return Number(page);
};

const runNotFound = (id: string): PublicApiError => notFound(`The run ${id} does not exist`);

export const registerRunRoutes = (app: FastifyInstance, { readModels, openApi }: PublicApiContext): void => {
  const runs = () => readModels.collection<RunDocument>(RUNS);

  openApi.add({
    method: 'get',
    path: '/api/active_runs',
    summary: 'Unfinished runs (approved or not), keyed by id',
    description: 'Without tasks, bad tasks and SPSA history. Times are Python str() of UTC datetimes.',
    tags: TAGS,
    responses: { 200: { description: 'Runs by id', schema: runsById } },
  });
  app.get('/api/active_runs', async () => byId(await findUnfinishedRuns(readModels)));

  openApi.add({
    method: 'get',
    path: '/api/finished_runs',
    summary: 'Finished runs, 50 per page, newest update first, keyed by id',
    description:
      'Deleted runs are left out. Flags accept only true/1 and false/0 (upstream counts any non-empty value as true). ' +
      '`timestamp` compares with the UTC update time.',
    tags: TAGS,
    query: finishedRunsQuery,
    responses: {
      200: { description: 'Runs by id', schema: runsById },
      400: { description: 'Missing or bad page number, or a bad flag or timestamp', schema: errorBody },
    },
  });
  app.get('/api/finished_runs', async (request) => {
    const query = finishedRunsQuery.parse(request.query);
    const page = pageNumber(query.page);
    const filter: FinishedRunsFilter = {
      ...(query.username ? { username: query.username } : {}),
      successOnly: query.success_only,
      yellowOnly: query.yellow_only,
      ltcOnly: query.ltc_only,
      ...(query.timestamp === undefined ? {} : { updatedSince: new Date(Number(query.timestamp) * 1000).toISOString() }),
    };
    const finished = await findFinishedRuns(readModels, filter, {
      skip: (page - 1) * FINISHED_RUNS_PAGE_SIZE,
      limit: FINISHED_RUNS_PAGE_SIZE,
    });
    return byId(finished);
  });

  openApi.add({
    method: 'get',
    path: '/api/get_run/{id}',
    summary: 'One run, with empty task lists (upstream strip_run)',
    tags: TAGS,
    params: runIdParams,
    responses: {
      200: { description: 'The run', schema: strippedRunBody, headers: { 'access-control-allow-origin': { description: '*' } } },
      404: { description: 'No such run', schema: errorBody },
    },
  });
  app.get('/api/get_run/:id', async (request, reply) => {
    allowAnyOrigin(reply);
    const { id } = runIdParams.parse(request.params);
    const run = await runs().get(id);
    if (!run) throw runNotFound(id);
    return strippedRun(run);
  });
  app.options('/api/get_run/:id', async (_request, reply) =>
    reply.status(405).header('allow', 'GET, HEAD').send({ error: 'Method Not Allowed', statusCode: 405 }),
  );

  openApi.add({
    method: 'get',
    path: '/api/get_elo/{id}',
    summary: "An SPRT run with its Elo estimate (`{}` for other runs)",
    description: 'The estimate (upstream SPRT_elo) is logistic Elo whatever the model of the bounds.',
    tags: TAGS,
    params: runIdParams,
    responses: {
      200: { description: 'The run and `elo`, or `{}`', schema: eloBody },
      404: { description: 'No such run', schema: errorBody },
    },
  });
  app.get('/api/get_elo/:id', async (request) => {
    const { id } = runIdParams.parse(request.params);
    const run = await runs().get(id);
    if (!run) throw runNotFound(id);
    const sprt = run.args.sprt;
    if (sprt === undefined) return {};
    const estimate = sprtElo(run.results, {
      alpha: sprt.alpha,
      beta: sprt.beta,
      elo0: sprt.elo0,
      elo1: sprt.elo1,
      eloModel: sprt.elo_model ?? 'BayesElo',
    });
    return { ...strippedRun(run), elo: estimate.ok ? estimate.value : null };
  });
};
