import { z } from 'zod';
import { SUPPORTED_ARCHES, SUPPORTED_COMPILERS } from '../../domain/shared/constants.js';
import { isValidResults } from '../../domain/shared/results.js';

/** Request bodies of the worker API, as strict as upstream's: unknown keys are refused. */

const uint = z.number().int().min(0);
const USERNAME = /^[A-Za-z0-9]{2,}$/;
const UNIQUE_KEY = /^[0-9a-zA-Z]{2,8}(-[a-f0-9]{4}){3}-[a-f0-9]{12}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/;

export const usernameSchema = z.string().regex(USERNAME, 'invalid username');

/** Only what authentication needs; checked first, so bad credentials win over other mistakes. */
export const credentialsSchema = z.looseObject({
  password: z.string(),
  worker_info: z.looseObject({ username: z.string() }),
});

export const workerInfoSchema = z.strictObject({
  uname: z.string(),
  architecture: z.tuple([z.string(), z.string()]),
  concurrency: z.number().int().positive(),
  max_memory: uint,
  min_threads: z.number().int().positive(),
  username: usernameSchema,
  version: uint,
  python_version: z.tuple([uint, uint, uint]),
  gcc_version: z.tuple([uint, uint, uint]),
  compiler: z.enum(SUPPORTED_COMPILERS),
  unique_key: z.string().regex(UNIQUE_KEY, 'invalid unique_key'),
  modified: z.boolean(),
  worker_arch: z.enum([...SUPPORTED_ARCHES, 'unknown'] as [string, ...string[]], {
    error: (issue) =>
      issue.input === undefined ? 'missing worker_arch' : `${JSON.stringify(issue.input)} is not a supported architecture`,
  }),
  ARCH: z.string(),
  nps: z.number().min(0),
  near_github_api_limit: z.boolean(),
}).meta({ id: 'WorkerInfo', description: 'What the worker says about itself; exactly these 16 keys' });

export const resultsSchema = z
  .strictObject({
    wins: uint,
    losses: uint,
    draws: uint,
    crashes: uint,
    time_losses: uint,
    pentanomial: z.tuple([uint, uint, uint, uint, uint]),
  })
  .refine((results) => isValidResults(results), { message: 'inconsistent results' });

export const spsaResultsSchema = z
  .strictObject({
    wins: uint,
    losses: uint,
    draws: uint,
    num_games: uint.refine((n) => n % 2 === 0, 'num_games must be even'),
    sig: uint,
  })
  .refine((spsa) => spsa.wins + spsa.losses + spsa.draws === spsa.num_games, {
    message: 'wins + losses + draws must equal num_games',
  });

export const workerRequestSchema = z
  .strictObject({
    password: z.string(),
    run_id: z.string().regex(OBJECT_ID, 'run_id is not a valid id').optional(),
    task_id: uint.optional(),
    pgn: z.string().optional(),
    message: z.string().optional(),
    worker_info: workerInfoSchema,
    spsa: spsaResultsSchema.optional(),
    stats: resultsSchema.optional(),
  })
  .refine((request) => request.task_id === undefined || request.run_id !== undefined, {
    message: 'task_id requires run_id',
  })
  .meta({
    id: 'WorkerRequest',
    description: 'The body of every worker protocol call but request_version; unknown keys are refused. `task_id` requires `run_id`.',
  });

export type WorkerRequest = z.infer<typeof workerRequestSchema>;
export type WorkerInfoRequest = z.infer<typeof workerInfoSchema>;
