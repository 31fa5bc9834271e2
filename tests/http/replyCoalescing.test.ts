import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/plugins/errorHandler.js';
import { registerReplyCoalescing } from '../../src/http/plugins/replyCoalescing.js';

describe('reply coalescing', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** A server that logs when each request is handled and when its reply starts being written. */
  const start = async (coalesce: boolean): Promise<{ port: number; log: string[]; connected: () => number }> => {
    const app = Fastify();
    apps.push(app);
    registerErrorHandling(app);
    if (coalesce) registerReplyCoalescing(app);
    const log: string[] = [];
    app.get<{ Params: { id: string } }>('/r/:id', async (request, reply) => {
      const { id } = request.params;
      log.push(`handled ${id}`);
      const writeHead = reply.raw.writeHead.bind(reply.raw) as (...args: unknown[]) => unknown;
      (reply.raw as { writeHead: (...args: unknown[]) => unknown }).writeHead = (...args: unknown[]) => {
        log.push(`written ${id}`);
        return writeHead(...args);
      };
      return { id };
    });
    let connections = 0;
    app.server.on('connection', () => (connections += 1));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { port: address.port, log, connected: () => connections };
  };

  /** Two connections whose requests reach the server before it next looks at its sockets. */
  const twoRequestsAtOnce = async (port: number, connected: () => number): Promise<void> => {
    const sockets = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
    await Promise.all(sockets.map((socket) => once(socket, 'connect')));
    while (connected() < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const replies = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('}')) resolve(text);
          });
        }),
    );
    // Loopback delivers within the write call: both requests wait in the server's sockets together.
    sockets.forEach((socket, n) => socket.write(`GET /r/${'ab'[n]} HTTP/1.1\r\nHost: x\r\n\r\n`));
    const texts = await Promise.all(replies);
    sockets.forEach((socket) => socket.destroy());
    texts.forEach((text, n) => expect(text).toContain(`{"id":"${'ab'[n]}"}`));
  };

  it('writes the replies of requests that arrived together after handling all of them', async () => {
    const { port, log, connected } = await start(true);
    await twoRequestsAtOnce(port, connected);
    expect(log.slice(0, 2).sort()).toEqual(['handled a', 'handled b']);
    expect(log.slice(2).sort()).toEqual(['written a', 'written b']);
  });

  it('without it, each reply is written before the next request is handled', async () => {
    const { port, log, connected } = await start(false);
    await twoRequestsAtOnce(port, connected);
    expect(log).toHaveLength(4);
    expect(log[0]?.replace('handled', 'written')).toBe(log[1]);
    expect(log[2]?.replace('handled', 'written')).toBe(log[3]);
  });

  it('still answers errors, unknown routes, streams and a reply that fails while being written', async () => {
    const app = Fastify();
    apps.push(app);
    registerErrorHandling(app);
    registerReplyCoalescing(app);
    app.get('/boom', async () => {
      throw new Error('internals');
    });
    app.get('/stream', async (_request, reply) => reply.type('text/plain').send(Readable.from(['one ', 'two'])));
    app.get('/bad-header', async (_request, reply) => {
      reply.header('x-bad', 'a\nb');
      return { ok: true };
    });
    app.get('/ok', async () => ({ ok: true }));
    const [boom, missing, stream, badHeader, ok] = await Promise.all(
      ['/boom', '/missing', '/stream', '/bad-header', '/ok'].map((url) => app.inject({ method: 'GET', url })),
    );
    expect(boom?.statusCode).toBe(500);
    expect(boom?.json()).toEqual({ statusCode: 500, error: 'Internal Server Error' });
    expect(missing?.statusCode).toBe(404);
    expect(stream?.body).toBe('one two');
    // As without coalescing: Fastify's error reply for a header it cannot write.
    expect(badHeader?.statusCode).toBe(500);
    expect(ok?.json()).toEqual({ ok: true });
  });

  type Hook = (request: unknown, reply: unknown, payload: unknown, done: (err?: Error | null, payload?: unknown) => void) => void;
  /** The plugin's onSend hook alone, on an app that only records it. */
  const hookOf = (options?: Parameters<typeof registerReplyCoalescing>[1]): Hook => {
    let onSend: Hook | undefined;
    const fakeApp = { addHook: (_name: string, hook: Hook) => (onSend = hook) } as unknown as FastifyInstance;
    registerReplyCoalescing(fakeApp, options);
    if (onSend === undefined) throw new Error('no onSend hook');
    return onSend;
  };

  it('writes the held replies at once when the first of them has waited maxHoldMs', async () => {
    let clock = 0;
    const onSend = hookOf({ maxHoldMs: 10, now: () => clock });
    const written: unknown[] = [];
    const done = (_err?: Error | null, payload?: unknown) => void written.push(payload);
    onSend({}, {}, 'first', done);
    clock = 9;
    onSend({}, {}, 'second', done);
    expect(written).toEqual([]);
    clock = 10;
    onSend({}, {}, 'third', done);
    expect(written).toEqual(['first', 'second', 'third']);
    onSend({}, {}, 'fourth', done);
    expect(written).toHaveLength(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('closes the connection of a reply whose error reply cannot be written either, and writes the rest', async () => {
    const onSend = hookOf();
    const logged: unknown[] = [];
    let destroyed = 0;
    const broken = { log: { error: (entry: unknown) => logged.push(entry) }, raw: { destroy: () => (destroyed += 1) } };
    const written: unknown[] = [];
    onSend({}, broken, 'first', () => {
      throw new Error('cannot write');
    });
    onSend({}, broken, 'second', (_err, payload) => written.push(payload));
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyed).toBe(1);
    expect(logged).toHaveLength(1);
    expect(written).toEqual(['second']);
  });
});
