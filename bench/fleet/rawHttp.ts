import net from 'node:net';

/*
 * A deliberately small HTTP/1.1 client over plain sockets. The load generator shares two cores
 * with the server, so each request must cost it as little as possible: requests are written as
 * one prepared buffer and replies are framed by Content-Length (or chunked encoding) without
 * any header object. Loopback only.
 */

export interface HttpReply {
  status: number;
  body: string;
}

/** `local`: this process could not open a socket (out of file descriptors or local ports). */
export type TransportFailure = 'timeout' | 'refused' | 'reset' | 'closed' | 'protocol' | 'local';

export class TransportError extends Error {
  constructor(readonly failure: TransportFailure, detail?: string) {
    super(detail === undefined ? failure : `${failure}: ${detail}`);
  }
}

const HOST = '127.0.0.1';

/**
 * A body as text, or as pieces sent one after the other: a large piece prepared once as bytes
 * (a PGN upload) is then copied, not encoded again, for every request that carries it.
 */
export type RequestBody = string | readonly (string | Buffer)[];

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: RequestBody;
  /** Extra header lines, e.g. `X-Forwarded-For: 127.0.1.2`. */
  headers?: readonly string[];
  keepAlive: boolean;
}

const bodyPieces = (body: RequestBody): Buffer[] =>
  typeof body === 'string' ? [Buffer.from(body)] : body.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece));

export const buildRequest = (spec: RequestSpec): Buffer => {
  const body = spec.body === undefined ? undefined : bodyPieces(spec.body);
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\nHost: ${HOST}\r\n`;
  head += spec.keepAlive ? 'Connection: keep-alive\r\n' : 'Connection: close\r\n';
  if (body !== undefined) {
    const length = body.reduce((sum, piece) => sum + piece.length, 0);
    head += `Content-Type: application/json\r\nContent-Length: ${length}\r\n`;
  }
  for (const line of spec.headers ?? []) head += `${line}\r\n`;
  head += '\r\n';
  return body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), ...body]);
};

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[ \t]*chunked/i;

interface Parsed {
  reply: HttpReply;
  /** Bytes of `data` the reply used. */
  used: number;
}

/** Decodes a chunked body starting at `offset`; undefined while incomplete. */
const dechunk = (data: Buffer, offset: number): { body: Buffer; end: number } | undefined => {
  const parts: Buffer[] = [];
  let at = offset;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new TransportError('protocol', 'bad chunk size');
    const start = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = data.indexOf(HEADER_END, lineEnd);
      if (trailerEnd < 0) return undefined;
      return { body: Buffer.concat(parts), end: trailerEnd + 4 };
    }
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
};

/** One complete reply at the start of `data`, or undefined while more bytes are needed. */
export const parseReply = (data: Buffer, untilClose = false): Parsed | undefined => {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.') || !Number.isInteger(status)) throw new TransportError('protocol', 'not an HTTP reply');
  const bodyStart = headerEnd + 4;
  const length = CONTENT_LENGTH.exec(head);
  if (length?.[1] !== undefined) {
    const end = bodyStart + Number(length[1]);
    if (data.length < end) return undefined;
    return { reply: { status, body: data.toString('utf8', bodyStart, end) }, used: end };
  }
  if (CHUNKED.test(head)) {
    const chunked = dechunk(data, bodyStart);
    return chunked === undefined ? undefined : { reply: { status, body: chunked.body.toString('utf8') }, used: chunked.end };
  }
  if (status === 204 || status === 304) return { reply: { status, body: '' }, used: bodyStart };
  // No framing: the body runs to the end of the connection.
  return untilClose ? { reply: { status, body: data.toString('utf8', bodyStart) }, used: data.length } : undefined;
};

const LOCAL_FAILURES = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS']);

const failureOf = (error: NodeJS.ErrnoException): TransportFailure =>
  LOCAL_FAILURES.has(error.code ?? '')
    ? 'local'
    : error.code === 'ECONNREFUSED'
      ? 'refused'
      : error.code === 'ETIMEDOUT'
        ? 'timeout'
        : 'reset';

/**
 * One request on a new connection, as the Fishtest worker makes every call. The reply counts
 * once the server has closed the connection (it does after `Connection: close`), so the server
 * side, not the load generator, holds the TIME_WAIT sockets.
 */
export const requestOnce = (port: number, request: Buffer, timeoutMs: number): Promise<HttpReply> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: HOST, noDelay: true });
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs);
    socket.on('timeout', () => fail(new TransportError('timeout')));
    socket.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(failureOf(error), error.code)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      if (settled) return;
      try {
        const parsed = parseReply(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), true);
        if (parsed === undefined) {
          fail(new TransportError('closed', 'connection closed before a complete reply'));
          return;
        }
        settled = true;
        socket.end();
        resolve(parsed.reply);
      } catch (error) {
        fail(error instanceof TransportError ? error : new TransportError('protocol', String(error)));
      }
    });
    socket.on('close', () => {
      if (!settled) fail(new TransportError('closed', 'connection closed before a reply'));
    });
    socket.write(request);
  });

/** A persistent connection carrying one request at a time (reconnects after a failure). */
export interface KeepAliveConnection {
  send(request: Buffer): Promise<HttpReply>;
  close(): void;
}

export const openKeepAlive = (port: number, timeoutMs: number): KeepAliveConnection => {
  let socket: net.Socket | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  let pending: { resolve: (reply: HttpReply) => void; reject: (error: Error) => void } | undefined;

  const settleFailure = (error: TransportError): void => {
    const waiting = pending;
    pending = undefined;
    socket?.destroy();
    socket = undefined;
    buffered = Buffer.alloc(0);
    waiting?.reject(error);
  };

  const connect = (): net.Socket => {
    const created = net.connect({ port, host: HOST, noDelay: true });
    created.setTimeout(timeoutMs);
    created.on('timeout', () => {
      if (pending !== undefined) settleFailure(new TransportError('timeout'));
    });
    created.on('error', (error: NodeJS.ErrnoException) => {
      if (socket === created) settleFailure(new TransportError(failureOf(error), error.code));
    });
    created.on('close', () => {
      if (socket === created) settleFailure(new TransportError('closed'));
    });
    created.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      let parsed: Parsed | undefined;
      try {
        parsed = parseReply(buffered);
      } catch (error) {
        settleFailure(error instanceof TransportError ? error : new TransportError('protocol', String(error)));
        return;
      }
      if (parsed === undefined) return;
      buffered = buffered.subarray(parsed.used);
      const waiting = pending;
      pending = undefined;
      waiting?.resolve(parsed.reply);
    });
    return created;
  };

  return {
    send(request) {
      if (pending !== undefined) return Promise.reject(new Error('one request at a time on a keep-alive connection'));
      return new Promise<HttpReply>((resolve, reject) => {
        pending = { resolve, reject };
        socket ??= connect();
        socket.write(request);
      });
    },
    close() {
      const closing = socket;
      socket = undefined;
      closing?.destroy();
    },
  };
};
