import { parseArgs } from 'node:util';
import { MIX_OPS, type MixOp } from './saturationLoad.js';

export interface FleetOptions {
  mode: 'cadence' | 'saturation';
  workers: number;
  rampSeconds: number;
  steadySeconds: number;
  speed: number;
  burst: number;
  burstSettleSeconds: number;
  coldStart: boolean;
  runs: number;
  users: number;
  loaders: number;
  pgnBytesPerGame: number;
  helloSeconds: number;
  connections: number;
  durationSeconds: number;
  saturationWorkers: number;
  rounds: number;
  /** Saturation: one call of the mix alone instead of the mix. */
  only?: MixOp;
  logLevel: string;
  synchronous: 'FULL' | 'NORMAL';
  /** thread (the server's default), inline (on the server's event loop), process (npm run projector). */
  projections: 'thread' | 'inline' | 'process';
  requestTaskConcurrency?: number;
  /** Seconds to wait, before each measurement, for other work on the machine to drop under 0.3 cores. */
  quietWaitSeconds: number;
  profile: boolean;
  keep: boolean;
}

export const USAGE = `npm run bench:fleet -- [options]

  --mode cadence|saturation   cadence (default): virtual workers at the real worker's cadence;
                              saturation: keep-alive connections at full speed, production mix
 cadence mode
  --workers N                 fleet size reached by the end of the ramp (20000)
  --ramp S                    seconds over which the fleet joins (120)
  --steady S                  seconds of steady state after the ramp (60)
  --speed K                   time compression: worker intervals divided by K (1: production pace)
  --burst B                   workers joining within 60/K s after the steady state (20000; 0: none)
  --burst-settle S            seconds measured after the burst window (30)
  --cold-start                the initial fleet starts fresh tasks (by default each worker's first
                              task counts as started a random while ago, for a steady state)
  --pgn-bytes-per-game B      compressed PGN bytes per game uploaded after each task (1000; 0: none)
  --hello-seconds S           seconds per hello-world baseline (5)
 saturation mode
  --connections C             keep-alive connections (100)
  --duration S                seconds per measurement (15)
  --saturation-workers W      virtual workers holding tasks in the mix (2000)
  --rounds R                  append-only and mix measured R times, alternately (3); the ratio
                              is the median of the rounds' ratios, as this machine's speed drifts
  --only CALL                 send one call of the mix alone (beat, request_version, request_task,
                              update_task), to see its cost against the same baselines
 both
  --runs R                    approved runs created before the server starts (200)
  --users U                   accounts the workers belong to (4)
  --loaders L                 load-generator processes (1)
  --log-level L               server LOG_LEVEL (warn)
  --synchronous FULL|NORMAL   SQLITE_SYNCHRONOUS of the server's stores (FULL)
  --projections P             where projections run: thread (default: a worker thread of the
                              server), inline (the server's event loop), process (npm run projector)
  --separate-projector        the same as --projections process
  --request-task-concurrency  server REQUEST_TASK_CONCURRENCY (server default)
  --quiet-wait S              wait up to S s before each measurement for other work on this
                              machine to drop under 0.3 cores (30; 0: do not wait)
  --profile                   run the server, the load generator and a separate projector with
                              --cpu-prof and keep the profiles (a projection thread's is lost at exit)
  --keep                      keep the temporary data directory
`;

const positive = (name: string, value: string | undefined, fallback: number, allowZero = false): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  return number;
};

/** A count (workers, runs, connections…): a whole number, so that 0.4 is refused rather than rounded to 0. */
const whole = (name: string, value: string | undefined, fallback: number, allowZero = false): number => {
  const number = positive(name, value, fallback, allowZero);
  if (!Number.isInteger(number)) throw new Error(`--${name} must be a whole number`);
  return number;
};

export const parseFleetOptions = (argv: readonly string[]): FleetOptions | 'help' => {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      mode: { type: 'string' },
      workers: { type: 'string' },
      ramp: { type: 'string' },
      steady: { type: 'string' },
      speed: { type: 'string' },
      burst: { type: 'string' },
      'burst-settle': { type: 'string' },
      'cold-start': { type: 'boolean' },
      runs: { type: 'string' },
      users: { type: 'string' },
      loaders: { type: 'string' },
      'pgn-bytes-per-game': { type: 'string' },
      'hello-seconds': { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      'saturation-workers': { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      'log-level': { type: 'string' },
      synchronous: { type: 'string' },
      projections: { type: 'string' },
      'separate-projector': { type: 'boolean' },
      'request-task-concurrency': { type: 'string' },
      'quiet-wait': { type: 'string' },
      profile: { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const mode = values.mode ?? 'cadence';
  if (mode !== 'cadence' && mode !== 'saturation') throw new Error('--mode must be cadence or saturation');
  const synchronous = values.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
  const only = values.only;
  if (only !== undefined && !(MIX_OPS as string[]).includes(only)) throw new Error(`--only must be one of ${MIX_OPS.join(', ')}`);
  const projections = values['separate-projector'] ? 'process' : (values.projections ?? 'thread');
  if (projections !== 'thread' && projections !== 'inline' && projections !== 'process') {
    throw new Error('--projections must be thread, inline or process');
  }
  return {
    mode,
    workers: whole('workers', values.workers, 20_000),
    rampSeconds: positive('ramp', values.ramp, 120),
    steadySeconds: positive('steady', values.steady, 60, true),
    speed: positive('speed', values.speed, 1),
    burst: whole('burst', values.burst, 20_000, true),
    burstSettleSeconds: positive('burst-settle', values['burst-settle'], 30, true),
    coldStart: values['cold-start'] ?? false,
    runs: whole('runs', values.runs, 200),
    users: whole('users', values.users, 4),
    loaders: whole('loaders', values.loaders, 1),
    pgnBytesPerGame: positive('pgn-bytes-per-game', values['pgn-bytes-per-game'], 1000, true),
    helloSeconds: positive('hello-seconds', values['hello-seconds'], 5),
    connections: whole('connections', values.connections, 100),
    durationSeconds: positive('duration', values.duration, 15),
    saturationWorkers: whole('saturation-workers', values['saturation-workers'], 2000),
    rounds: whole('rounds', values.rounds, 3),
    ...(only === undefined ? {} : { only: only as MixOp }),
    logLevel: values['log-level'] ?? 'warn',
    synchronous,
    projections,
    ...(values['request-task-concurrency'] === undefined
      ? {}
      : { requestTaskConcurrency: whole('request-task-concurrency', values['request-task-concurrency'], 16) }),
    quietWaitSeconds: positive('quiet-wait', values['quiet-wait'], 30, true),
    profile: values.profile ?? false,
    keep: values.keep ?? false,
  };
};
