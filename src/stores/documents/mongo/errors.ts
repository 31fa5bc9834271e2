import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { ReadStoreUnavailableError } from '../errors.js';

/** Server codes meaning "not reachable or not serving right now" (the driver's retryable set). */
const UNAVAILABLE_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * Socket errors the driver sometimes passes through unwrapped: the first write on a pooled
 * connection whose server has died fails with a plain `Error` coded EPIPE (driver 7.9, Node 20).
 */
const SOCKET_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

const socketCode = (error: unknown): unknown =>
  error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;

export const DUPLICATE_KEY = 11000;
export const NAMESPACE_EXISTS = 48;
export const NAMESPACE_NOT_FOUND = 26;

export const serverCode = (error: unknown): number | undefined =>
  error instanceof MongoServerError && typeof error.code === 'number' ? error.code : undefined;

export const isUnavailable = (error: unknown): boolean =>
  error instanceof MongoNetworkError ||
  error instanceof MongoServerSelectionError ||
  error instanceof MongoTopologyClosedError ||
  error instanceof MongoClientClosedError ||
  error instanceof MongoServerClosedError ||
  error instanceof MongoNotConnectedError ||
  UNAVAILABLE_SERVER_CODES.has(serverCode(error) ?? -1) ||
  SOCKET_ERROR_CODES.has(socketCode(error) as string);

export const translateError = (error: unknown): unknown =>
  isUnavailable(error) && !(error instanceof ReadStoreUnavailableError)
    ? new ReadStoreUnavailableError(
        `MongoDB read store unavailable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      )
    : error;
