import type { FastifyInstance, FastifyReply } from 'fastify';

type SendDone = (err?: Error | null, payload?: unknown) => void;

export interface ReplyCoalescingOptions {
  /** The longest a reply is held (10 ms); a reply finished later writes the held ones at once. */
  maxHoldMs?: number;
  now?: () => number;
}

/**
 * Holds every finished reply until the event loop has handled the whole batch of I/O it woke up
 * for, then writes them one after another (in the loop's check phase), instead of writing each
 * one between two requests.
 *
 * Why: writing a reply to a client that is waiting in `epoll_wait` wakes it, and the waking is
 * paid inside our `write` system call. Over loopback (a reverse proxy on the same host, the
 * benchmark's load generator) that wake-up is a large part of a small reply's cost; in a burst
 * of writes only the first one pays it. A reply waits for the rest of its batch, but no longer
 * than `maxHoldMs`: with thousands of connections ready at once an overloaded server can take
 * long over one batch, and its first replies are then written before the batch ends.
 */
export const registerReplyCoalescing = (app: FastifyInstance, options: ReplyCoalescingOptions = {}): void => {
  const maxHoldMs = options.maxHoldMs ?? 10;
  const now = options.now ?? (() => performance.now());
  let held: { reply: FastifyReply; done: SendDone; payload: unknown }[] = [];
  let firstHeldAt = 0;
  const writeHeld = (): void => {
    const batch = held;
    held = [];
    for (const { reply, done, payload } of batch) {
      try {
        done(null, payload);
      } catch (err) {
        // Writing can throw (a header with a newline): Fastify answers that with its error reply when
        // the hook runs synchronously, so the same happens here, and the rest of the batch goes on.
        try {
          done(err instanceof Error ? err : new Error(String(err)));
        } catch (again) {
          reply.log.error({ err: again }, 'a reply could not be written');
          reply.raw.destroy();
        }
      }
    }
  };
  app.addHook('onSend', (_request, reply, payload, done) => {
    held.push({ reply, done, payload });
    if (held.length === 1) {
      firstHeldAt = now();
      setImmediate(writeHeld);
    } else if (now() - firstHeldAt >= maxHoldMs) {
      writeHeld();
    }
  });
};
