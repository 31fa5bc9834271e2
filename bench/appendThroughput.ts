/**
 * Append throughput of the SQLite event store (group commit, synchronous=FULL) with 1, 16 and 256
 * concurrent appenders, next to a raw better-sqlite3 loop that inserts the same kind of rows into
 * the same schema inside one single transaction, measured in the same run.
 *
 *   npx tsx bench/appendThroughput.ts [seconds per measurement, default 3]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NewEvent } from '../src/stores/events/port.js';
import { createSqliteEventStore, SQLITE_EVENT_STORE_DEFAULTS } from '../src/stores/events/sqlite/index.js';
import { timeOrderedUuid } from '../src/stores/events/sqlite/eventIds.js';
import { serializeData, serializeMetadata, serverTimeNow } from '../src/stores/events/sqlite/rows.js';
import { openEventDatabase } from '../src/stores/events/sqlite/schema.js';

export interface AppendThroughputOptions {
  seconds?: number;
  concurrencies?: readonly number[];
  streams?: number;
  log?: (line: string) => void;
}

export interface AppendThroughputResult {
  rawEventsPerSecond: number;
  rawInsertOnlyEventsPerSecond: number;
  /** Raw inserts committed in transactions as large as the largest adapter batch. */
  rawBatchedEventsPerSecond: number;
  adapter: {
    concurrency: number;
    eventsPerSecond: number;
    ratioToRaw: number;
    transactions: number;
    eventsPerTransaction: number;
  }[];
}

const WARM_UP_MS = 300;

/** About 500 bytes of JSON, shaped like a worker's task update. */
function taskUpdate(n: number): Record<string, unknown> {
  return {
    taskId: n % 400,
    workerInfo: {
      username: `worker${n % 97}`,
      uname: 'Linux 6.1.0-18-amd64',
      architecture: ['64bit', 'ELF'],
      concurrency: 8,
      maxMemory: 4096,
      minThreads: 1,
      version: 277,
      pythonVersion: [3, 11, 2],
      gccVersion: [12, 2, 0],
      compiler: 'g++',
      uniqueKey: '0b5ac4c9-8f1d-4c5e-9a1b-6f0f3c3a2e11',
      modifiedFiles: false,
      nearGithubApiRateLimit: false,
    },
    stats: { wins: 1500 + n, losses: 1480, draws: 3020, crashes: 0, timeLosses: 2, pentanomial: [12, 610, 1255, 598, 15] },
    spsa: { wins: 0, losses: 0, draws: 0, numGames: 0 },
    gamesDelta: 8,
  };
}

function makeEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    type: 'TaskResultsReported',
    data: taskUpdate(n),
    metadata: { actor: `worker:worker${n % 97}`, correlationId: randomUUID(), clientIp: '203.0.113.9' },
  }));
}

function tempFile(label: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `fishtest-es-bench-${label}-`));
  return { file: path.join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface RawLoop {
  /** Serialize data and metadata inside the timed loop, as the adapter does for every append. */
  serializeInLoop: boolean;
  /** Commit every this many rows; undefined for one single transaction. */
  rowsPerTransaction?: number;
}

/** One prepared INSERT per row with nothing around it: the floor any adapter pays for the same rows. */
function measureRaw(events: readonly NewEvent[], streams: number, seconds: number, loop: RawLoop): number {
  const { file, remove } = tempFile('raw');
  const db = openEventDatabase({ path: file, ...SQLITE_EVENT_STORE_DEFAULTS, readonly: false });
  try {
    const insert = db.prepare(
      'INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    const serverTime = serverTimeNow();
    const preserialized = loop.serializeInLoop
      ? []
      : events.map((e) => [serializeData(e.data), serializeMetadata(e.metadata, serverTime)] as const);
    const chunk = loop.rowsPerTransaction ?? 1000;
    const revisions = new Array<number>(streams).fill(0);
    let count = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    if (loop.rowsPerTransaction === undefined) db.exec('BEGIN IMMEDIATE');
    while (performance.now() < deadline) {
      if (loop.rowsPerTransaction !== undefined) db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < chunk; i++, count++) {
        const event = events[count % events.length]!;
        const stream = count % streams;
        let data: string;
        let metadata: string;
        if (loop.serializeInLoop) {
          data = serializeData(event.data);
          metadata = serializeMetadata(event.metadata, serverTimeNow());
        } else {
          [data, metadata] = preserialized[count % preserialized.length]!;
        }
        insert.run(timeOrderedUuid(), `run-${stream}`, revisions[stream]!++, event.type, data, metadata);
      }
      if (loop.rowsPerTransaction !== undefined) db.exec('COMMIT');
    }
    if (loop.rowsPerTransaction === undefined) db.exec('COMMIT');
    return count / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    remove();
  }
}

async function measureAdapter(
  events: readonly NewEvent[],
  streams: number,
  concurrency: number,
  seconds: number,
): Promise<{ eventsPerSecond: number; transactions: number; events: number }> {
  const { file, remove } = tempFile(`c${concurrency}`);
  const store = createSqliteEventStore({ path: file, synchronous: 'FULL' });
  try {
    let acknowledged = 0;
    let stopped = false;
    const appender = async (index: number): Promise<void> => {
      for (let n = index; !stopped; n += concurrency) {
        await store.append(`run-${n % streams}`, [events[n % events.length]!], 'any');
        acknowledged++;
      }
    };
    const running = Promise.all(Array.from({ length: concurrency }, (_, i) => appender(i)));
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const startCount = acknowledged;
    const startStats = store.stats();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const elapsed = (performance.now() - started) / 1000;
    const counted = acknowledged - startCount;
    const endStats = store.stats();
    stopped = true;
    await running;
    return {
      eventsPerSecond: counted / elapsed,
      transactions: endStats.transactions - startStats.transactions,
      events: endStats.events - startStats.events,
    };
  } finally {
    await store.close();
    remove();
  }
}

export async function main(options: AppendThroughputOptions = {}): Promise<AppendThroughputResult> {
  const seconds = options.seconds ?? 3;
  const concurrencies = options.concurrencies ?? [1, 16, 256];
  const streams = options.streams ?? 100;
  const log = options.log ?? ((line: string) => console.log(line));
  const events = makeEvents(1000);
  const bytes = serializeData(events[0]!.data).length;
  log(`append throughput, synchronous=FULL, ${streams} streams, one ${bytes} B event per append, ${seconds} s each`);

  const rawEventsPerSecond = measureRaw(events, streams, seconds, { serializeInLoop: true });
  const rawInsertOnlyEventsPerSecond = measureRaw(events, streams, seconds, { serializeInLoop: false });
  const largestBatch = Math.max(...concurrencies);
  const rawBatchedEventsPerSecond = measureRaw(events, streams, seconds, {
    serializeInLoop: true,
    rowsPerTransaction: largestBatch,
  });
  log(`raw better-sqlite3, one transaction, serializing each row: ${format(rawEventsPerSecond)} events/s  (the reference)`);
  log(`raw better-sqlite3, one transaction, rows serialized beforehand: ${format(rawInsertOnlyEventsPerSecond)} events/s`);
  log(
    `raw better-sqlite3, serializing, COMMIT every ${largestBatch} rows: ${format(rawBatchedEventsPerSecond)} events/s` +
      '  (what the same commits cost without the adapter)',
  );

  const adapter: AppendThroughputResult['adapter'] = [];
  for (const concurrency of concurrencies) {
    const measured = await measureAdapter(events, streams, concurrency, seconds);
    const row = {
      concurrency,
      eventsPerSecond: measured.eventsPerSecond,
      ratioToRaw: measured.eventsPerSecond / rawEventsPerSecond,
      transactions: measured.transactions,
      eventsPerTransaction: measured.transactions === 0 ? 0 : measured.events / measured.transactions,
    };
    adapter.push(row);
    log(
      `adapter, ${String(concurrency).padStart(3)} appenders: ${format(row.eventsPerSecond)} events/s` +
        `  (${(row.ratioToRaw * 100).toFixed(1)}% of raw; ${row.eventsPerTransaction.toFixed(1)} events per commit,` +
        ` ${format(row.transactions / seconds)} commits/s)`,
    );
  }
  return { rawEventsPerSecond, rawInsertOnlyEventsPerSecond, rawBatchedEventsPerSecond, adapter };
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const seconds = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  await main(seconds === undefined ? {} : { seconds });
}
