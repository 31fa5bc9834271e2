import { MongoServerError } from 'mongodb';
import { BlobStoreUnavailableError } from '../errors.js';
import { isUnavailable } from '../../documents/mongo/errors.js';

export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

export const translateMongoError = (error: unknown): unknown =>
  isUnavailable(error) && !(error instanceof BlobStoreUnavailableError)
    ? new BlobStoreUnavailableError(
        `GridFS blob store unavailable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      )
    : error;
