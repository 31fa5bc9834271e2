import { z } from 'zod';
import type { NoTaskReply, RequestTaskReply } from '../../commands/runs/index.js';
import type { EmptyReply, SpsaReply } from '../../commands/runs/runService.js';
import type { EnvelopeError, TaskAliveReply, TaskAssignedReply } from '../../domain/tasks/replies.js';

/*
 * The replies of the worker API, for the OpenAPI document only: the domain builds them, and the
 * type checks at the end keep these schemas in step with the domain's reply types. Every reply
 * carries `duration`, which the envelope adds.
 */

const duration = z.number().min(0).describe('Seconds the server spent on the request');

const softOutcome = {
  error: z.string().optional().describe('Soft refusal, still a 200'),
  info: z.string().optional().describe('Soft notice, still a 200'),
};

export const workerErrorReply = z
  .object({
    error: z.string().describe('"<path>: <message>", e.g. "/api/beat: Invalid run_id: <id>"'),
    duration,
  })
  .meta({ id: 'WorkerError', description: 'The envelope of every refusal of the worker API' });

export const versionReply = z.object({ version: z.number().int(), duration });

const results = z.object({
  wins: z.number().int(),
  losses: z.number().int(),
  draws: z.number().int(),
  crashes: z.number().int(),
  time_losses: z.number().int(),
  pentanomial: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
});

const taskAssigned = z.object({
  run: z.object({
    _id: z.string(),
    args: z
      .looseObject({
        base_tag: z.string(),
        new_tag: z.string(),
        tc: z.string(),
        new_tc: z.string(),
        threads: z.number().int(),
        book: z.string(),
        book_sri: z.string().optional().describe('When the server knows the book'),
      })
      .describe('Every run argument, as upstream sends them (with `sprt` or `spsa`)'),
    my_task: z.object({ num_games: z.number().int(), start: z.number().int(), stats: results }),
  }),
  task_id: z.number().int(),
});

const noTask = z.object({ task_waiting: z.literal(false), ...softOutcome });

export const requestTaskReply = z.union([
  taskAssigned.extend({ duration }).describe('A task was assigned'),
  noTask
    .extend({ duration })
    .describe('No task: `error` for a blocked worker, a duplicate live worker name or the machine limit; `info` when too busy or when the run filled up meanwhile'),
]);

const taskAlive = z.object({ task_alive: z.boolean(), ...softOutcome });

export const taskAliveReply = taskAlive
  .extend({ duration })
  .meta({ id: 'TaskAliveReply', description: 'Whether the worker should go on with the task; `error` or `info` say why not' });

const spsaFlip = z.union([z.literal(1), z.literal(-1)]);

const spsaStep = z.object({
  w_params: z.array(z.object({ name: z.string(), value: z.number(), c: z.number(), R: z.number(), flip: spsaFlip })),
  b_params: z.array(z.object({ name: z.string(), value: z.number() })),
  sig: z.number().int().describe('Signature of the flips, to send back with the results'),
  task_alive: z.literal(true),
});

export const requestSpsaReply = z.union([spsaStep.extend({ duration }).describe('The next SPSA step'), taskAliveReply]);

export const emptyReply = z.strictObject({ duration }).describe('Done');

export const failedTaskReply = z.union([emptyReply, taskAliveReply]);

// ---- the schemas above describe what the domain replies (the envelope adds `duration`) ----

type Expect<Check extends true> = Check;
/** The domain's replies are deeply readonly; what goes over the wire is the same shape. */
type Writable<T> = { -readonly [K in keyof T]: Writable<T[K]> };
type Assignable<From, To> = [Writable<From>] extends [To] ? true : false;
type Without<Reply> = Reply extends EnvelopeError ? never : Reply;

/** Fails to compile when a domain reply no longer fits the schema that describes it. */
export type ReplySchemasFitTheDomain = [
  Expect<Assignable<TaskAssignedReply, z.infer<typeof taskAssigned>>>,
  Expect<Assignable<NoTaskReply, z.infer<typeof noTask>>>,
  Expect<Assignable<RequestTaskReply, z.infer<typeof taskAssigned> | z.infer<typeof noTask>>>,
  Expect<Assignable<TaskAliveReply, z.infer<typeof taskAlive>>>,
  Expect<Assignable<Without<SpsaReply>, z.infer<typeof spsaStep> | z.infer<typeof taskAlive>>>,
  Expect<Assignable<EmptyReply, Omit<z.infer<typeof emptyReply>, 'duration'>>>,
];
