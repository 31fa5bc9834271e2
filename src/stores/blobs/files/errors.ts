import Database from 'better-sqlite3';
import { BlobStoreUnavailableError } from '../errors.js';

/** File system conditions that are about the machine, not the request. */
const UNAVAILABLE_FS_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'ENOTDIR']);
const UNAVAILABLE_SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|PROTOCOL|CORRUPT)/;

const isUnavailable = (error: unknown): boolean => {
  if (error instanceof Database.SqliteError) return UNAVAILABLE_SQLITE_CODES.test(error.code);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_FS_CODES.has(code);
};

export const translateFileError = (error: unknown): unknown =>
  isUnavailable(error)
    ? new BlobStoreUnavailableError(
        `file blob store unavailable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      )
    : error;

export const isMissingFile = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
