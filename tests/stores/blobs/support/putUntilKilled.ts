/**
 * Child process for the crash tests of the file blob store; the parent SIGKILLs it.
 *   stall <dir>  streams 4 MiB of a blob, prints "stalled", then waits forever mid-put
 *   loop <dir>   puts random blobs one after another, printing "<sha256> <size>" after each acknowledged put
 */
import { randomBytes } from 'node:crypto';
import { createFileBlobStore } from '../../../../src/stores/blobs/files/index.js';

const STALL_CHUNK_BYTES = 1024 * 1024;
const STALL_CHUNKS = 4;

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'stall' && mode !== 'loop')) {
  console.error('usage: putUntilKilled.ts stall|loop <dir>');
  process.exit(2);
}
const store = createFileBlobStore({ dir });

async function* stallingUpload(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < STALL_CHUNKS; i += 1) yield Buffer.alloc(STALL_CHUNK_BYTES, i + 1);
  // The previous chunks are written once the generator is resumed for the next one.
  process.stdout.write('stalled\n');
  await new Promise(() => undefined);
}

if (mode === 'stall') {
  await store.put(stallingUpload());
} else {
  for (;;) {
    const bytes = randomBytes(50_000 + Math.floor(Math.random() * 400_000));
    const ref = await store.put(bytes);
    process.stdout.write(`${ref.sha256} ${ref.size}\n`);
  }
}
