/** Bad arguments: the CLI prints the message and a pointer to `--help`, then exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command ran but could not do what was asked (a rule refused it): exit code 1. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
