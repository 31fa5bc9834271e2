/** A query names an undeclared field, an unknown operator or a value of the wrong kind. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
  constructor(
    readonly checkpointId: string,
    readonly expected: bigint | null,
    readonly actual: bigint | null,
  ) {
    super(`checkpoint ${checkpointId} moved: expected ${String(expected)}, found ${String(actual)}`);
  }
}

export class ReadStoreUnavailableError extends Error {
  override readonly name = 'ReadStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
