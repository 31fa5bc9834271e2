/** Architectures the worker may report (`make help` of Stockfish); plus "unknown". */
export const SUPPORTED_ARCHES = [
  'apple-silicon',
  'armv7',
  'armv7-neon',
  'armv8',
  'armv8-dotprod',
  'e2k',
  'general-32',
  'general-64',
  'loongarch64',
  'loongarch64-lasx',
  'loongarch64-lsx',
  'ppc-32',
  'ppc-64',
  'ppc-64-altivec',
  'ppc-64-vsx',
  'riscv64',
  'x86-32',
  'x86-32-sse2',
  'x86-32-sse41-popcnt',
  'x86-64',
  'x86-64-avx2',
  'x86-64-avx512',
  'x86-64-avxvnni',
  'x86-64-bmi2',
  'x86-64-sse3-popcnt',
  'x86-64-sse41-popcnt',
  'x86-64-ssse3',
  'x86-64-vnni512',
  'x86-64-avx512icl',
] as const;

export const SUPPORTED_COMPILERS = ['clang++', 'g++'] as const;
export type Compiler = (typeof SUPPORTED_COMPILERS)[number];

export const isCompiler = (value: unknown): value is Compiler =>
  typeof value === 'string' && (SUPPORTED_COMPILERS as readonly string[]).includes(value);

/** Limits and timings of the run lifecycle (fishtest-anatomy §j). */
export const LIMITS = {
  /** Hard cap on num_games at creation and on modify. */
  maxNumGames: 3_200_000,
  /** num_games given to every SPRT run. */
  sprtNumGames: 800_000,
  /** Creation: num_games ≥ 1000, in steps of 1000 (fixed games and SPSA). */
  createNumGamesMin: 1000,
  createNumGamesStep: 1000,
  /** Modify: num_games ≥ 0, in steps of 1000. */
  modifyNumGamesMin: 0,
  modifyNumGamesStep: 1000,
  /** Modify and purge only within this many whole days of start_time. */
  maxAgeDays: 30,
  /** A task is sized to about this much play. */
  taskDurationSeconds: 1800,
  /** An active task without update or beat for longer is dead. */
  deadTaskSeconds: 360,
  /** Another live worker with the same short name within this window blocks request_task. */
  duplicateWorkerWindowSeconds: 120,
  /** Default per-IP limit of active tasks of one user. */
  defaultMachineLimit: 16,
  /** Worker's stop_run is honoured only for users with this many CPU hours. */
  stopRunMinCpuHours: 1000,
  /** Audit messages are cut to this length. */
  actionMessageSize: 5120,
  /** SPSA runs stop receiving tasks above 200000/√(number of params) cores. */
  spsaCoreBudget: 200_000,
} as const;

/** Manual and automatic purge thresholds (p-value, residual). */
export const PURGE_THRESHOLDS = {
  auto: { p: 0.001, residual: 7.0, iterations: 1 },
  manual: { p: 0.01, residual: 4.5, iterations: 1 },
} as const;

/** The progression test (PT) base commit, used in the new-run action message. */
export const PROGRESSION_TEST = {
  version: 'SF_18',
  branch: '43a2be018606176d91f612e48a753bd6c8ed6cf7',
  bench: 2050811,
} as const;

/** tc_base at or above which a run counts as LTC in lists and the "(LTC)" tag. */
export const LTC_LOWER_BOUND = 40;
