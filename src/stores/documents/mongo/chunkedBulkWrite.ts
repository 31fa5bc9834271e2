import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document } from 'mongodb';

/**
 * Operations per bulk-write command. MongoDB would take far more, but FerretDB 1.24 stalls on a
 * bulk of about 100 filtered replaces over existing documents; 50 costs MongoDB little.
 */
export const MAX_OPERATIONS_PER_BULK = 50;

/** Sends the operations as consecutive bulk writes, in order, each awaited before the next. */
export const chunkedBulkWrite = async <T extends Document>(
  collection: Collection<T>,
  operations: readonly AnyBulkWriteOperation<T>[],
  options: BulkWriteOptions,
): Promise<void> => {
  for (let start = 0; start < operations.length; start += MAX_OPERATIONS_PER_BULK) {
    await collection.bulkWrite(operations.slice(start, start + MAX_OPERATIONS_PER_BULK), options);
  }
};
