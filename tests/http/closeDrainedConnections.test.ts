import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCloseDrainedConnections } from '../../src/http/plugins/closeDrainedConnections.js';

/** Resolves to 'settled' if the promise settles within `ms`, else to 'pending'. */
const within = (promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> =>
  Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);

describe('closing the app while a keep-alive reply is still being sent', () => {
  const clients: net.Socket[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  /**
   * A server whose /archive reply streams until the test ends it, and a keep-alive client that
   * asked for it and has received its first bytes.
   */
  const replyInProgress = async (
    drain: boolean,
  ): Promise<{ app: FastifyInstance; client: net.Socket; finishReply: () => void; received: () => string }> => {
    const app = Fastify();
    if (drain) registerCloseDrainedConnections(app, { intervalMs: 20 });
    const body = new PassThrough();
    app.get('/archive', async (_request, reply) => reply.type('application/octet-stream').send(body));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');

    const client = net.connect({ port: address.port, host: '127.0.0.1' });
    clients.push(client);
    let text = '';
    client.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    await once(client, 'connect');
    // HTTP/1.1 without `Connection: close`: the connection is kept alive after the reply.
    client.write('GET /archive HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    body.write('first part');
    while (!text.includes('first part')) await new Promise((resolve) => setTimeout(resolve, 5));
    return { app, client, finishReply: () => body.end('last part'), received: () => text };
  };

  it('ends the connection once the reply is finished, so the close does not wait for the client', async () => {
    const { app, client, finishReply, received } = await replyInProgress(true);
    const closed = app.close();
    const clientGone = once(client, 'end');
    finishReply();
    expect(await within(closed, 2_000)).toBe('settled');
    await clientGone;
    expect(received()).toContain('last part');
  });

  it('without it the close waits as long as the client keeps the idle connection open', async () => {
    const { app, client, finishReply, received } = await replyInProgress(false);
    const closed = app.close();
    finishReply();
    while (!received().includes('last part')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await within(closed, 500)).toBe('pending');
    client.destroy();
    expect(await within(closed, 2_000)).toBe('settled');
  });

  it('costs nothing for an app that never listened', async () => {
    const app = Fastify();
    registerCloseDrainedConnections(app);
    app.get('/', async () => ({ ok: true }));
    expect((await app.inject({ method: 'GET', url: '/' })).json()).toEqual({ ok: true });
    expect(await within(app.close(), 1_000)).toBe('settled');
  });
});
