/**
 * Replays a recorded event log through the projection catalogue into a fresh SQLite read store and
 * prints the cost per event, with the documents written per event by each collection. The log is
 * copied first, so the original is left alone. A realistic log comes from the fleet benchmark:
 * `npm run bench:fleet -- --keep …` leaves `data/events.sqlite` in the directory it names.
 *
 *   npx tsx bench/projectionReplay.ts <events.sqlite> [batch size, 100] [projection name pattern]
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProjectionBatch } from '../src/stores/documents/port.js';
import { createSqliteReadStore } from '../src/stores/documents/sqlite/index.js';
import { createSqliteEventStore } from '../src/stores/events/sqlite/index.js';
import { projections } from '../src/projections/catalog.js';
import { createProjectionRunner } from '../src/projections/runner.js';

const usage = 'usage: npx tsx bench/projectionReplay.ts <events.sqlite> [batch size] [projection name pattern]';

const main = async (): Promise<void> => {
  const [source, batchArgument = '100', pattern] = process.argv.slice(2);
  const batchSize = Number(batchArgument);
  if (source === undefined || !existsSync(source) || !Number.isInteger(batchSize) || batchSize < 1) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const chosen = pattern === undefined ? projections : projections.filter((projection) => new RegExp(pattern).test(projection.name));
  if (chosen.length === 0) {
    console.error(`no projection matches ${pattern}; there are ${projections.map((p) => p.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'fishtest-es-replay-'));
  try {
    for (const suffix of ['', '-wal']) {
      if (existsSync(source + suffix)) copyFileSync(source + suffix, path.join(dir, `events.sqlite${suffix}`));
    }
    const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    const readStore = createSqliteReadStore({ path: path.join(dir, 'read.sqlite') });
    const head = await eventStore.headPosition();

    const written = new Map<string, number>();
    let commitMs = 0;
    const commit = readStore.commitProjectionBatch.bind(readStore);
    readStore.commitProjectionBatch = async (batch: ProjectionBatch) => {
      const started = performance.now();
      await commit(batch);
      commitMs += performance.now() - started;
      for (const change of batch.changes) written.set(change.collection, (written.get(change.collection) ?? 0) + 1);
    };

    const runners = chosen.map((projection) => createProjectionRunner({ eventStore, readStore, projection, batchSize }));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(runners.map((runner) => runner.start()));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const statuses = runners.map((runner) => runner.status());
        if (statuses.every((status) => status.state === 'failed' || (status.checkpoint ?? 0n) >= head)) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const failed = runners.map((runner) => runner.status()).filter((status) => status.state === 'failed');
    await Promise.all(runners.map((runner) => runner.stop()));
    await readStore.close();
    await eventStore.close();

    const events = Number(head);
    const perEvent = (value: number): string => (events === 0 ? '-' : (value / events).toFixed(0));
    console.log(`${chosen.map((p) => p.name).join(', ')}: ${events} events, batches of ${batchSize}`);
    console.log(
      `  ${perEvent(wallMs * 1000)} µs per event (wall), ${perEvent(cpu.user + cpu.system)} µs of CPU per event, ` +
        `of which writing to the read store ${perEvent(commitMs * 1000)} µs`,
    );
    console.log('  documents written per event:');
    for (const [collection, count] of [...written].sort((a, b) => b[1] - a[1])) {
      console.log(`    ${collection.padEnd(24)} ${(count / Math.max(1, events)).toFixed(2)}`);
    }
    for (const status of failed) console.log(`  FAILED ${status.name}: ${status.error ?? ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
