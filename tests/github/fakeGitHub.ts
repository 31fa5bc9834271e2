import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for GitHub's REST API and raw host on a loopback port: repositories (with
 * renames and forks), commits by ref, commit lists, comparisons, raw files and books.json, with
 * ETags, a budget announced in x-ratelimit-* headers (a 304 costs nothing, as on GitHub) and a
 * 403 once it is spent. Raw files are under /raw/ and cost nothing either.
 */
export interface FakeRepository {
  htmlUrl: string;
  fork?: boolean;
  sourceUrl?: string;
  /** Answer for this name with a redirect to the new one (a renamed repository). */
  renamedTo?: string;
}

export interface RecordedRequest {
  path: string;
  ifNoneMatch?: string;
  authorization?: string;
  status: number;
}

export interface FakeGitHub {
  readonly apiUrl: string;
  readonly rawUrl: string;
  readonly requests: RecordedRequest[];
  repositories: Map<string, FakeRepository>;
  /** `owner/repo@ref` → commit. */
  commits: Map<string, { sha: string; message: string }>;
  /** `owner/repo` → newest first. */
  commitLists: Map<string, Array<{ sha: string; message: string }>>;
  /** `sha1...sha2` → merge base. */
  mergeBases: Map<string, string>;
  /** `owner/repo/sha/path` → text. */
  rawFiles: Map<string, string>;
  booksJson: string;
  budget: { limit: number; remaining: number; reset: number };
  /** The next n API requests answer with this status (and headers). */
  failNext(status: number, count?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const etagOf = (body: string): string => `"${createHash('sha1').update(body).digest('hex')}"`;

export const startFakeGitHub = async (): Promise<FakeGitHub> => {
  const failures: Array<{ status: number; headers: Record<string, string> }> = [];

  const fake: Omit<FakeGitHub, 'apiUrl' | 'rawUrl' | 'close'> = {
    requests: [],
    repositories: new Map(),
    commits: new Map(),
    commitLists: new Map(),
    mergeBases: new Map(),
    rawFiles: new Map(),
    booksJson: '{}',
    budget: { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 },
    failNext(status, count = 1, headers = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ status, headers });
    },
  };

  const budgetHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(fake.budget.limit),
    'x-ratelimit-remaining': String(fake.budget.remaining),
    'x-ratelimit-used': String(fake.budget.limit - fake.budget.remaining),
    'x-ratelimit-reset': String(fake.budget.reset),
    'x-ratelimit-resource': 'core',
  });

  const answer = (request: IncomingMessage, response: ServerResponse, path: string): number => {
    const raw = path.startsWith('/raw/');
    const send = (status: number, body: string, headers: Record<string, string> = {}): number => {
      response.writeHead(status, { 'content-type': raw ? 'text/plain' : 'application/json', ...headers });
      response.end(body);
      return status;
    };
    if (raw) {
      const text = fake.rawFiles.get(decodeURIComponent(path.slice('/raw/'.length)));
      return text === undefined ? send(404, '404: Not Found') : send(200, text);
    }
    const failure = failures.shift();
    if (failure) return send(failure.status, JSON.stringify({ message: 'injected' }), { ...budgetHeaders(), ...failure.headers });
    if (fake.budget.remaining <= 0) {
      return send(403, JSON.stringify({ message: 'API rate limit exceeded' }), budgetHeaders());
    }
    const ok = (value: unknown): number => {
      const body = JSON.stringify(value);
      const etag = etagOf(body);
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag, ...budgetHeaders() });
        response.end();
        return 304;
      }
      fake.budget.remaining -= 1;
      return send(200, body, { etag, ...budgetHeaders() });
    };
    const notFound = (status = 404): number => {
      fake.budget.remaining -= 1;
      return send(status, JSON.stringify({ message: 'Not Found' }), budgetHeaders());
    };
    let match: RegExpExecArray | null;
    if (path === '/repos/official-stockfish/books/contents/books.json') {
      const etag = etagOf(fake.booksJson);
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag, ...budgetHeaders() });
        response.end();
        return 304;
      }
      fake.budget.remaining -= 1;
      return send(200, fake.booksJson, { etag, ...budgetHeaders() });
    }
    if ((match = /^\/repos\/official-stockfish\/Stockfish\/compare\/[^:]+:([0-9a-f]{40})\.\.\.[^:]+:([0-9a-f]{40})$/.exec(path))) {
      const base = fake.mergeBases.get(`${match[1]}...${match[2]}`);
      return base === undefined ? notFound() : ok({ merge_base_commit: { sha: base } });
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/commits\/(.+)$/.exec(path))) {
      const commit = fake.commits.get(`${match[1]}/${match[2]}@${decodeURIComponent(match[3] ?? '')}`);
      return commit === undefined ? notFound(422) : ok({ sha: commit.sha, commit: { message: commit.message } });
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/commits$/.exec(path))) {
      const list = fake.commitLists.get(`${match[1]}/${match[2]}`);
      return list === undefined ? notFound() : ok(list.map((commit) => ({ sha: commit.sha, commit: { message: commit.message } })));
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
      const repository = fake.repositories.get(`${match[1]}/${match[2]}`);
      if (repository === undefined) return notFound();
      if (repository.renamedTo !== undefined) {
        response.writeHead(301, { location: `/repos/${repository.renamedTo}`, ...budgetHeaders() });
        response.end();
        return 301;
      }
      return ok({
        html_url: repository.htmlUrl,
        fork: repository.fork ?? false,
        ...(repository.sourceUrl === undefined ? {} : { source: { html_url: repository.sourceUrl }, parent: { html_url: repository.sourceUrl } }),
      });
    }
    return notFound();
  };

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const status = answer(request, response, path);
    fake.requests.push({
      path,
      status,
      ...(typeof request.headers['if-none-match'] === 'string' ? { ifNoneMatch: request.headers['if-none-match'] } : {}),
      ...(typeof request.headers.authorization === 'string' ? { authorization: request.headers.authorization } : {}),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  // The same object the handler reads, so tests can change its maps, budget and books.json.
  return Object.assign(fake, {
    apiUrl: base,
    rawUrl: `${base}/raw`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};
