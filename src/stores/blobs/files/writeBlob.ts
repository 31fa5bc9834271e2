import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BlobInput, BlobRef } from '../port.js';
import { copyHashing } from '../bytes.js';
import type { FileBlobLayout } from './layout.js';
import { fsyncDir } from './layout.js';

export const TEMP_SUFFIX = '.part';

const writeFully = async (handle: FileHandle, chunk: Buffer): Promise<void> => {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
};

export const fileExists = async (file: string): Promise<boolean> => {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};

/**
 * Writes the input to a temp file (hashing it on the way), syncs it, and renames it to its
 * content address. Until the rename the blob is invisible, and the rename is atomic, so a crash
 * at any point leaves the blob either absent or complete; a crash can leave a temp file behind.
 */
export const writeBlob = async (
  layout: FileBlobLayout,
  prepareDir: (sha256: string) => Promise<string>,
  input: BlobInput,
  limits: { maxBytes: number; expectedSha256: string | null },
  hashed?: BlobRef,
): Promise<BlobRef> => {
  const temp = path.join(layout.tmpDir, `${randomUUID()}${TEMP_SUFFIX}`);
  // Read-only once in place; the open handle may still write.
  const handle = await open(temp, 'wx', 0o444);
  let closed = false;
  try {
    const ref = await copyHashing(input, (chunk) => writeFully(handle, chunk), limits, hashed);
    await handle.sync();
    await handle.close();
    closed = true;
    const target = layout.blobPath(ref.sha256);
    if (await fileExists(target)) {
      await unlink(temp);
      // Another writer may have renamed it a moment ago without having synced the directory yet.
      await fsyncDir(layout.blobDir(ref.sha256));
      return ref;
    }
    const dir = await prepareDir(ref.sha256);
    // Concurrent writers of the same bytes may both get here; either rename leaves identical bytes.
    await rename(temp, target);
    await fsyncDir(dir);
    return ref;
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
};
