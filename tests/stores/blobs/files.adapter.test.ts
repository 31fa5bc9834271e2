import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStoreUnavailableError } from '../../../src/stores/blobs/errors.js';
import { createFileBlobStore, fileBlobLayout } from '../../../src/stores/blobs/files/index.js';
import { translateFileError } from '../../../src/stores/blobs/files/errors.js';
import { fileStoreDir, openBlobStore } from '../../../src/stores/blobs/fromUrl.js';
import type { BlobStore } from '../../../src/stores/blobs/port.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('file blob store layout', () => {
  const opened: BlobStore[] = [];
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    cleanup?.();
  });

  const openTemp = (options: { staleTempMs?: number } = {}) => {
    const temp = makeTempDir('blob-files-');
    cleanup = temp.remove;
    const dir = path.join(temp.dir, 'blobs');
    const store = createFileBlobStore({ dir, ...options });
    opened.push(store);
    return { dir, store, layout: fileBlobLayout(dir) };
  };

  it('keeps a blob at objects/<2 hex>/<2 hex>/<sha256>, read-only, with names and counters in index.db', async () => {
    const { store, layout, dir } = openTemp();
    const { sha256 } = await store.put(Buffer.from('a PGN'));
    const file = path.join(dir, 'objects', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(layout.blobPath(sha256)).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(existsSync(path.join(dir, 'index.db'))).toBe(true);
    expect(readdirSync(layout.tmpDir)).toEqual([]);
  });

  it('removes temp files older than staleTempMs when it opens, and keeps younger ones', () => {
    const temp = makeTempDir('blob-files-');
    cleanup = temp.remove;
    const dir = path.join(temp.dir, 'blobs');
    const layout = fileBlobLayout(dir);
    opened.push(createFileBlobStore({ dir }));
    const old = path.join(layout.tmpDir, 'old.part');
    const young = path.join(layout.tmpDir, 'young.part');
    const unrelated = path.join(layout.tmpDir, 'notes.txt');
    for (const file of [old, young, unrelated]) writeFileSync(file, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    utimesSync(unrelated, twoHoursAgo, twoHoursAgo);

    opened.push(createFileBlobStore({ dir }));
    expect(readdirSync(layout.tmpDir).sort()).toEqual(['notes.txt', 'young.part']);
  });

  it('reports disk-level failures as BlobStoreUnavailableError and leaves other errors alone', () => {
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    expect(translateFileError(full)).toBeInstanceOf(BlobStoreUnavailableError);
    const other = new Error('boom');
    expect(translateFileError(other)).toBe(other);
  });
});

describe('openBlobStore', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('reads file: URLs as paths or as file:// URLs', () => {
    expect(fileStoreDir('file:data/blobs')).toBe(path.resolve('data/blobs'));
    expect(fileStoreDir('file:/var/lib/fishtest/blobs')).toBe('/var/lib/fishtest/blobs');
    expect(fileStoreDir(pathToFileURL('/srv/blob store').href)).toBe('/srv/blob store');
    expect(() => fileStoreDir('file:')).toThrow(/needs a directory/);
  });

  it('opens the file adapter for file: and the GridFS adapter for mongodb:, without connecting yet', async () => {
    const temp = makeTempDir('blob-url-');
    cleanup = temp.remove;
    const files = await openBlobStore({ url: `file:${path.join(temp.dir, 'blobs')}` });
    expect(files.kind).toBe('files');
    await files.put(Buffer.from('x'));
    await files.close();
    expect(existsSync(path.join(temp.dir, 'blobs', 'index.db'))).toBe(true);

    const gridfs = await openBlobStore({ url: 'mongodb://127.0.0.1:1/fishtest' });
    expect(gridfs.kind).toBe('gridfs');
    await gridfs.close();
  });

  it('refuses other schemes', async () => {
    await expect(openBlobStore({ url: 's3://bucket/blobs' })).rejects.toThrow(/unsupported BLOB_STORE_URL scheme: s3/);
  });
});
