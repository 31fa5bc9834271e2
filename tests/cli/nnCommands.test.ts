import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/runAdmin.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { createFileBlobStore } from '../../src/stores/blobs/files/index.js';
import { makeTempDir } from '../support/tempDir.js';

describe('npm run admin -- nn (in process)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let sha256: string;
  let name: string;
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));

  const admin = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, {
      io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' },
      env: { DATA_DIR: temp.dir },
      now: () => Date.UTC(2026, 1, 3),
    });
    return { code, out, err };
  };

  beforeEach(() => {
    temp = makeTempDir();
    file = path.join(temp.dir, 'upload.bin');
    writeFileSync(file, bytes);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    name = `nn-${sha256.slice(0, 12)}.nnue`;
  });
  afterEach(() => temp.remove());

  it('uploads a net into the blob store under its name and records NetworkUploaded', async () => {
    expect(await admin(['--as', 'alice', 'nn', 'upload', file])).toEqual({
      code: 0,
      out: [`Uploaded ${name} (4096 bytes, sha256 ${sha256})`],
      err: [],
    });
    const blobs = createFileBlobStore({ dir: path.join(temp.dir, 'blobs') });
    const entry = await blobs.getName('nn', name);
    expect(entry).toMatchObject({ sha256, size: 4096 });
    expect(await blobs.get(sha256)).toEqual(bytes);
    await blobs.close();
    const store = createSqliteEventStore({ path: path.join(temp.dir, 'events.sqlite') });
    const events = await store.readStream(`nn-${name}`);
    await store.close();
    expect(events.map((event) => [event.type, event.data, event.metadata.actor])).toEqual([
      ['NetworkUploaded', { name, at: '2026-02-03T00:00:00.000Z', uploader: 'alice', sha256, size: 4096 }, 'alice'],
    ]);
  });

  it('takes the file name when it is a net name, checks a given name against the sha256, refuses duplicates', async () => {
    const named = path.join(temp.dir, name);
    writeFileSync(named, bytes);
    expect(await admin(['nn', 'upload', named, '--name', name])).toMatchObject({ code: 0 });
    expect(await admin(['nn', 'upload', named])).toEqual({ code: 1, out: [], err: [`error: Network ${name} already exists`] });
    expect((await admin(['nn', 'upload', file, '--name', 'nn-000000000000.nnue'])).err).toEqual([
      `error: Wrong SHA256 hash: ${sha256.slice(0, 12)} Filename: 000000000000`,
    ]);
    expect((await admin(['nn', 'upload', file, '--name', 'net.nnue'])).err).toEqual(['error: Name must match "nn-[SHA256 first 12 digits].nnue"']);
    expect((await admin(['nn', 'upload', path.join(temp.dir, 'missing.nnue')])).err[0]).toMatch(/^error: cannot read .*missing\.nnue/);
    expect((await admin(['nn', 'upload'])).code).toBe(2);
  });

  it('promotes a net once and lists nets with their download counts', async () => {
    await admin(['--as', 'alice', 'nn', 'upload', file]);
    expect(await admin(['nn', 'promote', name])).toMatchObject({ code: 0, out: [`Promoted ${name} to master`] });
    expect(await admin(['nn', 'promote', name])).toMatchObject({ code: 1, err: [`error: Network ${name} is already marked as master`] });
    expect((await admin(['nn', 'promote', 'nn-0123456789ab.nnue'])).err).toEqual(['error: Network nn-0123456789ab.nnue does not exist']);
    expect((await admin(['nn', 'promote', 'bogus'])).code).toBe(2);

    const blobs = createFileBlobStore({ dir: path.join(temp.dir, 'blobs') });
    await blobs.incrementCounter('nn', name, 3);
    await blobs.close();
    const listed = await admin(['nn', 'list', '--json']);
    expect(JSON.parse(listed.out.join('\n'))).toEqual([
      { name, uploader: 'alice', sha256, size: 4096, uploadedAt: '2026-02-03T00:00:00.000Z', isMaster: true, downloads: 3 },
    ]);
    expect((await admin(['nn', 'list'])).out[1]).toMatch(new RegExp(`^${name.replace('.', '\\.')} +alice +4096 +2026-02-03T00:00:00\\.000Z +yes +3$`));
    expect((await admin(['nn', 'list', '--master'])).out).toHaveLength(2);
  });
});
