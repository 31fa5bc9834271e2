import { z } from 'zod';
import { ACTION_NAMES } from '../../projections/actions/actionDocument.js';
import { ACTION_QUERY_FIELDS } from './actionsQuery.js';

/*
 * Request and response schemas of the public read API. Requests are parsed with them; responses
 * are described by them in the OpenAPI document (`GET /api/docs`).
 */

// ---- requests ----

export const runIdParams = z.object({ id: z.string().min(1).max(100).describe('Run id') });

export const taskParams = z.object({
  id: z.string().min(1).max(100).describe('Run id'),
  task: z.string().describe('Task index, or `<n>bad` for the n-th purged task'),
});

const FLAG_VALUES = ['true', '1', 'false', '0', ''] as const;

/** Only true/1 and false/0 (or empty, meaning not set); upstream treats any non-empty value as true. */
export const booleanFlag = z
  .enum(FLAG_VALUES, { error: 'must be true, 1, false or 0' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

export const finishedRunsQuery = z.object({
  page: z.string().optional().describe('1-based page of 50 runs (required)'),
  username: z.string().max(100).optional().describe("Only this user's runs"),
  success_only: booleanFlag.describe('Only green runs'),
  yellow_only: booleanFlag.describe('Only yellow runs'),
  ltc_only: booleanFlag.describe('Only runs with a base time of 40 s or more'),
  timestamp: z
    .string()
    .regex(/^\d{10}(\.\d+)?$/, 'must be UNIX seconds: 10 digits and an optional fraction')
    .optional()
    .describe('Only runs updated at or after this UNIX time (UTC)'),
});

/** A repeated query parameter counts as its last value, as upstream's request parameters do. */
const lastValue = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (Array.isArray(value) ? value[value.length - 1] : value));

export const calcEloQuery = z.object({
  W: lastValue.describe('Wins (with D and L)'),
  D: lastValue.describe('Draws'),
  L: lastValue.describe('Losses'),
  LL: lastValue.describe('Pentanomial: pairs lost twice (with LD, DDWL, WD, WW; wins over W/D/L)'),
  LD: lastValue,
  DDWL: lastValue,
  WD: lastValue,
  WW: lastValue,
  elo0: lastValue.describe('Lower SPRT bound (with elo1: SPRT estimate)'),
  elo1: lastValue.describe('Upper SPRT bound'),
  elo_model: lastValue.describe('BayesElo, logistic or normalized (default)'),
});

const scalar = z.union([z.string(), z.number()]);
const repeatable = z.union([z.string(), z.array(z.string())]).optional();

/** For the document only: the query parameters `actionFilterFromQuery` reads. */
export const actionsQueryDoc = z.object({
  action: repeatable.describe('Action name; repeat for a set'),
  run_id: repeatable.describe('Run id; repeat for a set'),
  username: repeatable.describe('User; repeat for a set'),
  time: repeatable.describe('UNIX seconds'),
  'action[$in]': z.string().optional().describe('Comma-separated set'),
  'run_id[$in]': z.string().optional(),
  'username[$in]': z.string().optional(),
  'time[$gte]': z.string().optional().describe('At or after (UNIX seconds)'),
  'time[$lte]': z.string().optional().describe('At or before (UNIX seconds)'),
});

/** For the document only: the body `actionFilterFromBody` reads. */
export const actionsBodyDoc = z
  .partialRecord(
    z.enum(ACTION_QUERY_FIELDS),
    z.union([scalar, z.object({ $in: z.array(scalar).optional(), $gte: scalar.optional(), $lte: scalar.optional() })]),
  )
  .describe('A filter: equality, $in, $gte and $lte on action, run_id, username (strings) and time (UNIX seconds)');

// ---- responses ----

export const errorBody = z.object({ error: z.string(), statusCode: z.number().int() });

const results = z.object({
  wins: z.number().int(),
  losses: z.number().int(),
  draws: z.number().int(),
  crashes: z.number().int(),
  time_losses: z.number().int(),
  pentanomial: z.array(z.number().int()).length(5),
});

const runArgs = z.looseObject({
  base_tag: z.string(),
  new_tag: z.string(),
  num_games: z.number().int(),
  tc: z.string(),
  new_tc: z.string(),
  threads: z.number().int(),
  username: z.string(),
  info: z.string(),
  priority: z.number(),
  throughput: z.number(),
  itp: z.number(),
  sprt: z.looseObject({ elo0: z.number(), elo1: z.number(), elo_model: z.string(), state: z.string(), llr: z.number() }).optional(),
  spsa: z.looseObject({ iter: z.number(), num_iter: z.number(), params: z.array(z.looseObject({ name: z.string(), theta: z.number() })) }).optional(),
});

const runBase = {
  _id: z.string(),
  args: runArgs,
  start_time: z.string().describe('Python str() of a UTC datetime'),
  last_updated: z.string(),
  tc_base: z.number(),
  rescheduled_from: z.string().optional(),
  approved: z.boolean(),
  approver: z.string(),
  finished: z.boolean(),
  deleted: z.boolean(),
  failed: z.boolean(),
  failures: z.number().int(),
  is_green: z.boolean(),
  is_yellow: z.boolean(),
  workers: z.number().int(),
  cores: z.number().int(),
  committed_games: z.number().int(),
  total_games: z.number().int(),
  results,
  nps: z.number(),
  games_per_minute: z.number(),
};

export const listedRunBody = z.object(runBase);
export const runsById = z.record(z.string(), listedRunBody).describe('Runs keyed by id');
export const strippedRunBody = z.object({ ...runBase, tasks: z.array(z.never()).length(0), bad_tasks: z.array(z.never()).length(0) });

const sprtElo = z.object({
  a: z.number(),
  b: z.number(),
  elo: z.number(),
  ci: z.tuple([z.number(), z.number()]),
  LOS: z.number(),
  LLR: z.number(),
});

export const eloBody = z.union([
  z.object({}).strict().describe('Not an SPRT run'),
  strippedRunBody.extend({ elo: sprtElo.nullable().describe('null when the statistics cannot be computed') }),
]);

export const calcEloBody = z.union([
  z.object({ elo: z.number(), ci: z.tuple([z.number(), z.number()]), LOS: z.number() }).describe('Without elo0/elo1'),
  sprtElo.describe('With elo0 and elo1'),
]);

const workerInfo = z.looseObject({
  username: z.string(),
  concurrency: z.number().int(),
  unique_key: z.string().describe('First 8 characters and "..."'),
  remote_addr: z.literal('?.?.?.?'),
});

export const taskBody = z.object({
  num_games: z.number().int(),
  active: z.boolean(),
  last_updated: z.string(),
  start: z.number().int(),
  stats: results,
  worker_info: workerInfo,
  bad: z.literal(true).optional(),
  spsa_params: z.object({ iter: z.number().int(), packed_flips: z.array(z.number().int()) }).optional(),
  task_id: z.number().int().optional().describe('Purged tasks only'),
  residual: z.union([z.number(), z.literal('inf')]).optional().describe('Purged tasks only'),
  residual_color: z.enum(['green', 'yellow', 'red']).optional().describe('Purged tasks only'),
});

export const actionsBody = z.array(
  z.object({
    _id: z.string(),
    time: z.number().describe('UNIX seconds'),
    action: z.enum(ACTION_NAMES),
    username: z.string(),
    run_id: z.string().optional(),
    run: z.string().optional(),
    task_id: z.number().int().optional(),
    worker: z.string().optional(),
    message: z.string().optional(),
    user: z.string().optional(),
    nn: z.string().optional(),
  }),
);
