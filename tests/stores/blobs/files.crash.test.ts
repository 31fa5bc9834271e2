import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileBlobStore, fileBlobLayout } from '../../../src/stores/blobs/files/index.js';
import { projectRoot } from '../../support/processes.js';
import { makeTempDir } from '../../support/tempDir.js';

const child = path.join(projectRoot, 'tests/stores/blobs/support/putUntilKilled.ts');
const STALL_BYTES = 4 * 1024 * 1024;

interface KilledRun {
  lines: string[];
  signal: NodeJS.Signals | null;
}

/** Runs the child, lets `killWhen` decide from its complete output lines when to SIGKILL it. */
const runUntilKilled = (mode: 'stall' | 'loop', dir: string, killWhen: (lines: readonly string[]) => number | null): Promise<KilledRun> =>
  new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', child, mode, dir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killing = false;
    const guard = setTimeout(() => process_.kill('SIGKILL'), 20_000);
    process_.stdout.setEncoding('utf8');
    process_.stdout.on('data', (text: string) => {
      stdout += text;
      if (killing) return;
      const delay = killWhen(stdout.split('\n').slice(0, -1));
      if (delay === null) return;
      killing = true;
      setTimeout(() => process_.kill('SIGKILL'), delay);
    });
    process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process_.on('error', reject);
    process_.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (!killing) return reject(new Error(`child ended before it was killed: ${stderr}`));
      // A line cut short by the kill was not acknowledged.
      resolve({ lines: stdout.split('\n').slice(0, -1), signal });
    });
  });

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('file blob store crash safety (a writer SIGKILLed mid-put)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('leaves no blob, only a temp file, when killed in the middle of a streamed put', async () => {
    const temp = makeTempDir('blob-crash-');
    cleanup = temp.remove;
    const dir = path.join(temp.dir, 'blobs');
    const layout = fileBlobLayout(dir);

    const run = await runUntilKilled('stall', dir, (lines) => (lines.includes('stalled') ? 0 : null));
    expect(run.signal).toBe('SIGKILL');

    expect(filesUnder(layout.objectsDir)).toEqual([]);
    const leftovers = readdirSync(layout.tmpDir);
    expect(leftovers).toHaveLength(1);
    expect(statSync(path.join(layout.tmpDir, leftovers[0] ?? '')).size).toBe(STALL_BYTES);

    const written = Buffer.concat([1, 2, 3, 4].map((fill) => Buffer.alloc(STALL_BYTES / 4, fill)));
    // A fresh temp file may belong to a live writer of another process: it stays.
    const store = createFileBlobStore({ dir });
    expect(await store.has(sha256Of(written))).toBe(false);
    expect(readdirSync(layout.tmpDir)).toEqual(leftovers);
    await store.close();

    // Once it is older than staleTempMs it is known to be abandoned and goes.
    const reopened = createFileBlobStore({ dir, staleTempMs: 0 });
    expect(readdirSync(layout.tmpDir)).toEqual([]);
    expect(await reopened.put(written)).toEqual({ sha256: sha256Of(written), size: STALL_BYTES });
    await reopened.close();
  });

  it('holds only complete blobs, every acknowledged one among them, when killed at a random moment of a put loop', async () => {
    const temp = makeTempDir('blob-crash-');
    cleanup = temp.remove;
    const dir = path.join(temp.dir, 'blobs');
    const layout = fileBlobLayout(dir);

    const run = await runUntilKilled('loop', dir, (lines) => (lines.length >= 15 ? Math.floor(Math.random() * 20) : null));
    expect(run.signal).toBe('SIGKILL');
    const acknowledged = run.lines.map((line) => {
      const [sha256, size] = line.split(' ');
      return { sha256: sha256 ?? '', size: Number(size) };
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);

    const stored = filesUnder(layout.objectsDir);
    for (const file of stored) {
      const name = path.basename(file);
      expect(sha256Of(readFileSync(file))).toBe(name);
      expect(file).toBe(layout.blobPath(name));
    }
    const storedKeys = new Set(stored.map((file) => path.basename(file)));
    for (const { sha256 } of acknowledged) expect(storedKeys.has(sha256)).toBe(true);
    // At most the put in flight can be unacknowledged, and at most its temp file is left over.
    expect(stored.length - acknowledged.length).toBeLessThanOrEqual(1);
    expect(readdirSync(layout.tmpDir).length).toBeLessThanOrEqual(1);

    const store = createFileBlobStore({ dir, staleTempMs: 0 });
    for (const { sha256, size } of acknowledged) {
      expect(await store.size(sha256)).toBe(size);
      expect((await store.get(sha256))?.byteLength).toBe(size);
    }
    expect(readdirSync(layout.tmpDir)).toEqual([]);
    await store.close();
  });
});
