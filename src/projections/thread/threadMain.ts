import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../logger.js';
import { openEventStore } from '../../stores/events/fromUrl.js';
import { openReadStore } from '../../stores/documents/fromUrl.js';
import { projections } from '../catalog.js';
import { createProjectionEngine } from '../engine.js';
import type { FromProjectionThread, ProjectionThreadData, ToProjectionThread } from './messages.js';
import { lowerThreadPriority } from './threadPriority.js';

/** Runs the whole catalogue on this thread's own connections and answers the main thread. */
const run = async (port: NonNullable<typeof parentPort>, data: ProjectionThreadData): Promise<void> => {
  const logger = createLogger(data.logLevel).child({ thread: 'projections' });
  try {
    const threadId = lowerThreadPriority(data.nice);
    if (threadId !== undefined) logger.debug({ threadId, nice: data.nice }, 'projection thread priority lowered');
  } catch (err) {
    logger.warn({ err, nice: data.nice }, 'could not lower the projection thread’s priority; it keeps the process’s');
  }
  const eventStore = await openEventStore({
    url: data.eventStoreUrl,
    sqliteSynchronous: data.sqliteSynchronous,
    ...(data.visibleBound === undefined ? {} : { visibleBound: data.visibleBound }),
  });
  const readStore = await openReadStore({ url: data.readStoreUrl }).catch(async (err: unknown) => {
    await eventStore.close();
    throw err;
  });
  const engine = createProjectionEngine({
    eventStore,
    readStore,
    projections,
    logger,
    runProjections: true,
    batchDelayMs: data.batchDelayMs,
  });
  const send = (message: FromProjectionThread): void => port.postMessage(message);
  let stopping: Promise<void> | undefined;
  port.on('message', (message: ToProjectionThread) => {
    if (message.type === 'news') {
      eventStore.nudge?.();
    } else if (message.type === 'hurry') {
      eventStore.nudge?.();
      engine.hurry(message.position);
    } else if (message.type === 'statuses') {
      engine.statuses().then(
        (statuses) => send({ type: 'statuses', id: message.id, statuses }),
        (err: unknown) => send({ type: 'statusesFailed', id: message.id, message: err instanceof Error ? err.message : String(err) }),
      );
    } else {
      stopping ??= (async () => {
        await engine.stop();
        await Promise.allSettled([eventStore.close(), readStore.close()]);
        // Closing the port ends the thread; the main thread waits for its exit.
        port.close();
      })();
    }
  });
  await engine.start();
  send({ type: 'ready' });
};

if (parentPort === null) throw new Error('threadMain runs only as a worker thread');
await run(parentPort, workerData as ProjectionThreadData);
