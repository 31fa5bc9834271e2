import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpGitHub } from '../../src/github/http/index.js';
import { GitHubError, GitHubRateLimitedError } from '../../src/github/errors.js';
import type { GitHubPort } from '../../src/github/port.js';
import type { FakeGitHub } from './fakeGitHub.js';
import { startFakeGitHub } from './fakeGitHub.js';

const sha = (digit: string): string => digit.repeat(40);
const MASTER = sha('a');
const FEATURE = sha('b');
const OLD = sha('c');

describe('GitHub over HTTP (against a loopback fake)', () => {
  let fake: FakeGitHub;
  let clock: number;
  const port = (options: { token?: string; freshForMs?: number; fetch?: typeof fetch; timeoutMs?: number } = {}): GitHubPort =>
    createHttpGitHub({ apiUrl: fake.apiUrl, rawUrl: fake.rawUrl, now: () => clock, retryDelayMs: 1, ...options });
  const apiCalls = (path: string) => fake.requests.filter((request) => request.path === path);

  beforeEach(async () => {
    clock = Date.now();
    fake = await startFakeGitHub();
    fake.repositories.set('official-stockfish/Stockfish', { htmlUrl: 'https://github.com/official-stockfish/Stockfish' });
    fake.repositories.set('alice/Stockfish', { htmlUrl: 'https://github.com/alice/Stockfish', fork: true, sourceUrl: 'https://github.com/official-stockfish/Stockfish' });
    fake.repositories.set('oldname/Stockfish', { htmlUrl: '', renamedTo: 'alice/Stockfish' });
    fake.repositories.set('bob/Stockfish', { htmlUrl: 'https://github.com/bob/Stockfish', fork: true, sourceUrl: 'https://github.com/mcostalba/Stockfish' });
    fake.commits.set('alice/Stockfish@feature', { sha: FEATURE, message: 'Tweak search\n\nMore text\n\nBench: 1234567' });
    fake.commits.set(`alice/Stockfish@${FEATURE}`, { sha: FEATURE, message: 'Tweak search\n\nBench: 1234567' });
    fake.commits.set('official-stockfish/Stockfish@master', { sha: MASTER, message: 'Master' });
    fake.commitLists.set('alice/Stockfish', [
      { sha: FEATURE, message: 'Merge without bench' },
      { sha: MASTER, message: 'Simplify\n\nBench: 2050811\n' },
    ]);
    fake.mergeBases.set(`${OLD}...${MASTER}`, OLD);
    fake.mergeBases.set(`${FEATURE}...${MASTER}`, OLD);
    fake.rawFiles.set(`alice/Stockfish/${FEATURE}/src/evaluate.h`, [
      '#define EvalFileDefaultNameBig "nn-1111111111aa.nnue"',
      '#define EvalFileDefaultNameSmall "nn-2222222222bb.nnue"',
      '// nn-3333333333cc.nnue is mentioned without a define',
    ].join('\n'));
    fake.rawFiles.set(`alice/Stockfish/${OLD}/src/evaluate.h`, '// no nets here\n');
    fake.rawFiles.set(`alice/Stockfish/${OLD}/src/ucioption.cpp`, '  o["EvalFile"] << Option("nn-4444444444dd.nnue", on_eval_file);\n');
  });
  afterEach(() => fake.close());

  it('describes repositories: renames followed, fork roots, unknown repositories refused', async () => {
    const github = port();
    expect(await github.describeRepository('https://github.com/oldname/Stockfish/')).toEqual({
      canonicalUrl: 'https://github.com/alice/Stockfish',
      forkRoot: 'https://github.com/official-stockfish/Stockfish',
    });
    expect(await github.describeRepository('https://github.com/official-stockfish/Stockfish')).toEqual({
      canonicalUrl: 'https://github.com/official-stockfish/Stockfish',
      forkRoot: 'https://github.com/official-stockfish/Stockfish',
    });
    expect((await github.describeRepository('https://github.com/bob/Stockfish')).forkRoot).toBe('https://github.com/mcostalba/Stockfish');
    await expect(github.describeRepository('https://github.com/nobody/Stockfish')).rejects.toThrow(GitHubError);
    await expect(github.describeRepository('https://example.org/x/y')).rejects.toThrow(/not a GitHub repository URL/);
  });

  it('resolves branches and SHAs with their messages; an unknown ref is null', async () => {
    const github = port({ token: 'secret-token' });
    expect(await github.resolveCommit('https://github.com/alice/Stockfish', 'feature')).toEqual({
      sha: FEATURE,
      message: 'Tweak search\n\nMore text\n\nBench: 1234567',
    });
    expect(await github.resolveCommit('https://github.com/alice/Stockfish', 'nope')).toBeNull();
    expect(fake.requests[0]?.authorization).toBe('Bearer secret-token');
  });

  it('never asks again about a SHA, and asks about a branch again only conditionally once stale', async () => {
    const github = port({ freshForMs: 1_000 });
    const repo = 'https://github.com/alice/Stockfish';
    await github.resolveCommit(repo, FEATURE);
    clock += 10_000_000;
    await github.resolveCommit(repo, FEATURE);
    expect(apiCalls(`/repos/alice/Stockfish/commits/${FEATURE}`)).toHaveLength(1);

    await github.resolveCommit(repo, 'feature');
    await github.resolveCommit(repo, 'feature');
    expect(apiCalls('/repos/alice/Stockfish/commits/feature')).toHaveLength(1);
    const before = fake.budget.remaining;
    clock += 2_000;
    expect((await github.resolveCommit(repo, 'feature'))?.sha).toBe(FEATURE);
    const calls = apiCalls('/repos/alice/Stockfish/commits/feature');
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ status: 304, ifNoneMatch: expect.stringMatching(/^".+"$/) });
    // A 304 costs no budget.
    expect(fake.budget.remaining).toBe(before);

    // The branch moved: the conditional request brings the new head.
    fake.commits.set('alice/Stockfish@feature', { sha: OLD, message: 'Moved' });
    clock += 2_000;
    expect((await github.resolveCommit(repo, 'feature'))?.sha).toBe(OLD);
  });

  it('finds the latest bench of the repository, and answers null when GitHub fails', async () => {
    const github = port();
    expect(await github.latestBench('https://github.com/alice/Stockfish')).toBe('2050811');
    expect(await github.latestBench('https://github.com/nobody/Stockfish')).toBeNull();
    fake.failNext(500, 2);
    expect(await port().latestBench('https://github.com/alice/Stockfish')).toBeNull();
  });

  it('tells ancestry through the official repository, and the official master SHA', async () => {
    const github = port();
    expect(await github.officialMasterSha()).toBe(MASTER);
    expect(await github.isAncestor({ sha: OLD }, { sha: MASTER })).toBe('yes');
    expect(await github.isAncestor({ sha: FEATURE, repoUrl: 'https://github.com/alice/Stockfish' }, { sha: MASTER })).toBe('no');
    expect(await github.isAncestor({ sha: MASTER }, { sha: MASTER })).toBe('yes');
    // A SHA GitHub does not know can never be an ancestor (upstream's is_master).
    expect(await github.isAncestor({ sha: sha('d') }, { sha: MASTER })).toBe('no');
    expect(await github.isAncestor({ sha: 'master' }, { sha: MASTER })).toBe('unknown');
    expect(fake.requests.filter((request) => request.path.includes('/compare/')).map((request) => request.path)).toContain(
      `/repos/official-stockfish/Stockfish/compare/alice:${FEATURE}...official-stockfish:${MASTER}`,
    );
  });

  it('reads the default nets from evaluate.h, falling back to ucioption.cpp, without spending budget', async () => {
    const github = port();
    const before = fake.budget.remaining;
    expect(await github.networksAt('https://github.com/alice/Stockfish', FEATURE)).toEqual(['nn-1111111111aa.nnue', 'nn-2222222222bb.nnue']);
    expect(await github.networksAt('https://github.com/alice/Stockfish', OLD)).toEqual(['nn-4444444444dd.nnue']);
    await expect(github.networksAt('https://github.com/alice/Stockfish', sha('e'))).rejects.toThrow(/evaluate\.h not found/);
    expect(fake.budget.remaining).toBe(before);
  });

  it("reads GitHub's books.json, conditionally the second time", async () => {
    fake.booksJson = JSON.stringify({ 'a.epd': { total: 1, white: 1, black: 0, min_depth: 0, max_depth: 0, sri: 'x'.repeat(64) } });
    const github = port({ freshForMs: 0 });
    expect(await github.fetchBookCatalogue()).toEqual({ 'a.epd': expect.objectContaining({ total: 1 }) });
    clock += 1;
    await github.fetchBookCatalogue();
    expect(apiCalls('/repos/official-stockfish/books/contents/books.json').map((request) => request.status)).toEqual([200, 304]);
  });

  it('tracks the budget from the headers, and keeps optional calls off once more than half is used', async () => {
    const github = port();
    await github.resolveCommit('https://github.com/alice/Stockfish', 'feature');
    expect(github.rateLimit()).toMatchObject({ limit: 5000, remaining: 4999, used: 1 });
    fake.budget.remaining = 2000;
    await github.resolveCommit('https://github.com/official-stockfish/Stockfish', 'master');
    const compares = () => fake.requests.filter((request) => request.path.includes('/compare/')).length;
    // Ancestry is optional (pages, approval): refused without a request, answered "unknown".
    expect(await github.isAncestor({ sha: OLD }, { sha: MASTER })).toBe('unknown');
    expect(compares()).toBe(0);
    // Run creation still gets its answers.
    expect(await github.resolveCommit('https://github.com/alice/Stockfish', FEATURE)).not.toBeNull();
  });

  it('stops calling GitHub after a rate-limit refusal until the reset, answering from the cache meanwhile', async () => {
    const github = port({ freshForMs: 0 });
    const repo = 'https://github.com/alice/Stockfish';
    expect((await github.resolveCommit(repo, 'feature'))?.sha).toBe(FEATURE);
    fake.budget.remaining = 0;
    fake.budget.reset = Math.floor(clock / 1000) + 600;
    clock += 1;
    // Refused (403, remaining 0): the cached answer serves.
    expect((await github.resolveCommit(repo, 'feature'))?.sha).toBe(FEATURE);
    expect(github.rateLimit()).toMatchObject({ remaining: 0, blockedUntil: fake.budget.reset * 1000 });
    const sent = fake.requests.length;
    await expect(github.resolveCommit(repo, 'other')).rejects.toBeInstanceOf(GitHubRateLimitedError);
    expect((await github.resolveCommit(repo, 'feature'))?.sha).toBe(FEATURE);
    expect(fake.requests.length).toBe(sent);
    // After the reset, calls resume.
    fake.budget.remaining = 5000;
    clock = fake.budget.reset * 1000 + 1;
    expect(await github.resolveCommit(repo, 'other')).toBeNull();
    expect(fake.requests.length).toBe(sent + 1);
  });

  it('honours retry-after on a secondary limit (429)', async () => {
    const github = port();
    fake.failNext(429, 1, { 'retry-after': '30' });
    await expect(github.resolveCommit('https://github.com/alice/Stockfish', 'feature')).rejects.toMatchObject({
      name: 'GitHubRateLimitedError',
      resetAt: clock + 30_000,
    });
    const sent = fake.requests.length;
    clock += 29_000;
    await expect(github.resolveCommit('https://github.com/alice/Stockfish', 'feature')).rejects.toBeInstanceOf(GitHubRateLimitedError);
    expect(fake.requests.length).toBe(sent);
    clock += 2_000;
    expect((await github.resolveCommit('https://github.com/alice/Stockfish', 'feature'))?.sha).toBe(FEATURE);
  });

  it('retries a 502 once, reports a forbidden answer that is not a rate limit, and a network failure', async () => {
    fake.failNext(502, 1);
    expect((await port().resolveCommit('https://github.com/alice/Stockfish', 'feature'))?.sha).toBe(FEATURE);
    fake.failNext(403, 1);
    await expect(port().resolveCommit('https://github.com/alice/Stockfish', 'feature')).rejects.toMatchObject({ name: 'GitHubError', status: 403 });
    let attempts = 0;
    const failing: typeof fetch = async () => {
      attempts += 1;
      throw new TypeError('fetch failed');
    };
    await expect(port({ fetch: failing }).resolveCommit('https://github.com/alice/Stockfish', 'feature')).rejects.toThrow(/did not answer .*fetch failed/);
    expect(attempts).toBe(2);
  });

  it('gives up on a silent GitHub after the timeout', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const started = Date.now();
    await expect(port({ fetch: hanging, timeoutMs: 50 }).resolveCommit('https://github.com/alice/Stockfish', 'feature')).rejects.toThrow(GitHubError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
