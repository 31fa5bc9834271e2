import { convertToCommandError, ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  EventStoreUnavailableError,
  NotLeaderError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors.js';
import type { ExpectedRevision } from '../port.js';
import { toActualRevision } from './streamState.js';

export interface ErrorContext {
  stream?: string;
  expected?: ExpectedRevision;
}

/** Errors the port names get the port's classes; anything else is passed through unchanged. */
export function toPortError(raw: unknown, context: ErrorContext = {}): unknown {
  if (!(raw instanceof Error)) return raw;
  // Some client paths (an append whose request stream fails) reject with the bare gRPC error.
  const error = convertToCommandError(raw);
  if (!isCommandError(error)) return error;
  switch (error.type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      return new WrongExpectedVersionError(
        context.stream ?? error.streamName,
        context.expected ?? error.expectedState,
        toActualRevision(error.actualState),
      );
    case ErrorType.STREAM_NOT_FOUND:
      return new StreamNotFoundError(context.stream ?? error.streamName);
    case ErrorType.NOT_LEADER:
      return new NotLeaderError(error.message || 'the node is not the cluster leader', { cause: error });
    case ErrorType.UNAVAILABLE:
    case ErrorType.DEADLINE_EXCEEDED:
      // For an append the outcome is unknown; a retry with the same event ids is deduplicated.
      return new EventStoreUnavailableError(error.message || 'KurrentDB is unavailable', { cause: error });
    case ErrorType.UNKNOWN:
      return error.code === GrpcStatus.UNAVAILABLE
        ? new EventStoreUnavailableError(error.message || 'KurrentDB is unavailable', { cause: error })
        : error;
    default:
      return error;
  }
}

/** Whether a subscription that failed this way should be opened again rather than fail. */
export function isTransient(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError || error instanceof NotLeaderError) return true;
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.CANCELLED;
}
