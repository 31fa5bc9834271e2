/**
 * Baseline: a Fastify route that appends one event per request to the embedded event store
 * (group commit, synchronous=FULL, like the server) and answers like update_task. No
 * validation, authentication or decision: the floor under any request that must be durable.
 * Its replies are written as the server writes its own (reply coalescing).
 *
 *   PORT=… APPEND_DB=<file> node --import tsx bench/fleet/appendServer.ts
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { registerReplyCoalescing } from '../../src/http/plugins/replyCoalescing.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';

const file = process.env.APPEND_DB;
if (file === undefined) throw new Error('APPEND_DB is required');
// No commit interval (the server's SQLITE_COMMIT_INTERVAL_MS): this baseline commits as soon as it can.
const store = createSqliteEventStore({ path: file, synchronous: 'FULL' });

interface UpdateLike {
  run_id?: string;
  task_id?: number;
  stats?: unknown;
  worker_info?: { username?: string };
}

const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
// As in the server, so that the ratio compares the work behind the replies, not the way they are written.
registerReplyCoalescing(app);
app.get('/ready', async () => ({ ready: true }));
app.post('/append', async (request) => {
  const started = performance.now();
  const body = request.body as UpdateLike;
  await store.append(
    `run-${body.run_id ?? 'none'}`,
    [
      {
        type: 'TaskResultsReported',
        data: { taskId: body.task_id, stats: body.stats },
        metadata: { actor: `worker:${body.worker_info?.username ?? '?'}`, correlationId: randomUUID() },
      },
    ],
    'any',
  );
  return { task_alive: true, duration: (performance.now() - started) / 1000 };
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => {
      const stats = store.stats();
      process.stdout.write(`${JSON.stringify({ transactions: stats.transactions, events: stats.events })}\n`);
      process.exit(0);
    });
});
