import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/stores/events/sqlite/index.js';
import { makeTempDir } from '../../support/tempDir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const appendLoop = path.join(root, 'tests/support/sqliteAppendLoop.ts');

interface Acknowledged {
  position: bigint;
  id: string;
}

/** Runs the append loop, kills it with SIGKILL `runMs` after its first acknowledgement, returns what it acknowledged. */
function appendUntilKilled(
  file: string,
  runMs: number,
): Promise<{ acknowledged: Acknowledged[]; exit: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', appendLoop, file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), runMs);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(killTimer);
      if (killTimer === undefined) return reject(new Error(`append loop acknowledged nothing: ${stderr}`));
      // A line cut short by the kill was not fully acknowledged; only complete lines count.
      const lines = stdout.split('\n').slice(0, -1);
      const acknowledged = lines.map((line) => {
        const [position, id] = line.split(' ');
        return { position: BigInt(position ?? ''), id: id ?? '' };
      });
      resolve({ acknowledged, exit: signal ?? `exit code ${String(code)}: ${stderr}` });
    });
  });
}

describe('sqlite event store durability', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('keeps every acknowledged append, with gapless positions, when the writer is SIGKILLed', async () => {
    const temp = makeTempDir('fishtest-es-durability-');
    cleanup = temp.remove;
    const file = path.join(temp.dir, 'events.db');

    const { acknowledged, exit } = await appendUntilKilled(file, 1_000);
    expect(exit).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThan(100);

    const store = createSqliteEventStore({ path: file });
    try {
      const events = await store.readAll();
      const positions = events.map((e) => e.position);
      expect(positions).toEqual(Array.from({ length: events.length }, (_, i) => BigInt(i + 1)));
      expect(events.length).toBeGreaterThanOrEqual(acknowledged.length);
      const idAt = new Map(events.map((e) => [e.position, e.id]));
      for (const ack of acknowledged) expect(idAt.get(ack.position)).toBe(ack.id);

      // Streams are intact too: each one's revisions are 0..n without holes.
      const streams = new Set(events.map((e) => e.streamId));
      for (const stream of streams) {
        const revisions = (await store.readStream(stream)).map((e) => e.revision);
        expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => BigInt(i)));
      }

      // And the reopened log goes on from where it stopped.
      const next = await store.append('after-crash', [{ type: 'Reopened', data: {}, metadata: { actor: 'system', correlationId: 'c' } }], 'no_stream');
      expect(next.position).toBe(BigInt(events.length + 1));
    } finally {
      await store.close();
    }
  });
});
