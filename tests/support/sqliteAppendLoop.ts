/**
 * Child process for the durability test: appends with several concurrent appenders until killed,
 * printing "<position> <eventId>" for every append the store acknowledged.
 * Usage: node --import tsx tests/support/sqliteAppendLoop.ts <database file>
 */
import { randomUUID } from 'node:crypto';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: sqliteAppendLoop.ts <database file>');

const store = createSqliteEventStore({ path: file, synchronous: 'FULL' });
const appenders = 8;
const payload = 'x'.repeat(200);

async function appendForever(appender: number): Promise<void> {
  const stream = `durability-${appender}`;
  for (let revision = 0; ; revision++) {
    const id = randomUUID();
    const result = await store.append(
      stream,
      [{ id, type: 'Appended', data: { appender, revision, payload }, metadata: { actor: 'system', correlationId: id } }],
      revision === 0 ? 'no_stream' : BigInt(revision - 1),
    );
    // Writes to a pipe are synchronous on Linux: the line is in the pipe before the next append
    // starts. (fs.writeSync on fd 1 could throw EAGAIN when the reader lags.)
    process.stdout.write(`${result.position} ${id}\n`);
  }
}

await Promise.all(Array.from({ length: appenders }, (_, i) => appendForever(i)));
