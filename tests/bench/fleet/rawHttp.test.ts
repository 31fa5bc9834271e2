import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, openKeepAlive, parseReply, requestOnce, TransportError } from '../../../bench/fleet/rawHttp.js';
import { freePort } from '../../../bench/fleet/processes.js';

const reply = (text: string) => Buffer.from(text, 'latin1');

describe('fleet benchmark HTTP client: reply framing', () => {
  it('frames a reply by Content-Length, in any letter case', () => {
    const parsed = parseReply(reply('HTTP/1.1 200 OK\r\ncontent-LENGTH: 5\r\n\r\nhelloHTTP/1.1'));
    expect(parsed).toEqual({ reply: { status: 200, body: 'hello' }, used: 43 });
  });

  it('waits for the rest of a body or of the headers', () => {
    expect(parseReply(reply('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello'))).toBeUndefined();
    expect(parseReply(reply('HTTP/1.1 200 OK\r\nContent-Len'))).toBeUndefined();
  });

  it('decodes a chunked body once its last chunk arrived', () => {
    const whole = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    expect(parseReply(reply(whole))?.reply).toEqual({ status: 201, body: 'hello world' });
    expect(parseReply(reply(whole.slice(0, -4)))).toBeUndefined();
  });

  it('reads an unframed body to the end of the connection only when told the connection closed', () => {
    const text = reply('HTTP/1.1 500 Internal Server Error\r\n\r\noops');
    expect(parseReply(text)).toBeUndefined();
    expect(parseReply(text, true)?.reply).toEqual({ status: 500, body: 'oops' });
    expect(parseReply(reply('HTTP/1.1 204 No Content\r\n\r\n'))?.reply).toEqual({ status: 204, body: '' });
  });

  it('refuses what is not HTTP', () => {
    expect(() => parseReply(reply('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(TransportError);
  });

  it('builds one buffer with the body length in bytes and the extra headers', () => {
    const text = buildRequest({ method: 'POST', path: '/api/beat', body: '{"é":1}', headers: ['X-Forwarded-For: 127.0.1.2'], keepAlive: false }).toString('utf8');
    expect(text).toBe(
      'POST /api/beat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 8\r\nX-Forwarded-For: 127.0.1.2\r\n\r\n{"é":1}',
    );
  });

  it('joins a body given in pieces, text and bytes, and counts its length over all of them', () => {
    const text = buildRequest({ method: 'POST', path: '/api/upload_pgn', body: ['{"é":"', Buffer.from('QUJD', 'latin1'), '"}'], keepAlive: true }).toString('utf8');
    expect(text).toBe('POST /api/upload_pgn HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"é":"QUJD"}');
  });
});

describe('fleet benchmark HTTP client: against a server', () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        if (request.url === '/chunked') {
          response.write('part one, ');
          response.end('part two');
          return;
        }
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ path: request.url, body, forwarded: request.headers['x-forwarded-for'] ?? null }));
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('makes one call per connection, as the worker does', async () => {
    const before = connections;
    const request = buildRequest({ method: 'POST', path: '/api/beat', body: '{"a":1}', headers: ['X-Forwarded-For: 127.0.9.9'], keepAlive: false });
    const first = await requestOnce(port, request, 5_000);
    const second = await requestOnce(port, request, 5_000);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ path: '/api/beat', body: '{"a":1}', forwarded: '127.0.9.9' });
    expect(second.body).toBe(first.body);
    expect(connections - before).toBe(2);
  });

  it('reads a chunked reply', async () => {
    const reply = await requestOnce(port, buildRequest({ method: 'GET', path: '/chunked', keepAlive: false }), 5_000);
    expect(reply.body).toBe('part one, part two');
  });

  it('sends requests one after the other on a keep-alive connection', async () => {
    const before = connections;
    const connection = openKeepAlive(port, 5_000);
    try {
      for (let n = 0; n < 20; n += 1) {
        const reply = await connection.send(buildRequest({ method: 'POST', path: `/n/${n}`, body: String(n), keepAlive: true }));
        expect(JSON.parse(reply.body)).toMatchObject({ path: `/n/${n}`, body: String(n) });
      }
      expect(connections - before).toBe(1);
    } finally {
      connection.close();
    }
  });

  it('reports a closed port as refused, not as a server error', async () => {
    const closedPort = await freePort();
    const failure = await requestOnce(closedPort, buildRequest({ method: 'GET', path: '/', keepAlive: false }), 5_000).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).failure).toBe('refused');
  });
});
