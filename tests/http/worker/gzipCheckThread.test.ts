import { readlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createGzipCheckThread, type GzipCheckThread } from '../../../src/http/worker/gzipCheckThread.js';
import { niceOf, threadsWithNice } from '../../support/threadNice.js';

const pgn = (games: number): Buffer => Buffer.from('[Event "check"]\n\n1. e4 e5 1/2-1/2\n\n'.repeat(games));

describe('the gzip check thread', () => {
  const opened: GzipCheckThread[] = [];
  const open = (nice = 0, onFailure?: (error: unknown) => void): GzipCheckThread => {
    const thread = createGzipCheckThread({ nice, ...(onFailure ? { onFailure } : {}) });
    opened.push(thread);
    return thread;
  };
  afterEach(async () => {
    for (const thread of opened.splice(0)) await thread.close();
  });

  it('answers as isGzip does and hands the same bytes back', async () => {
    const thread = open();
    const whole = gzipSync(pgn(5_000));
    const twoMembers = Buffer.concat([gzipSync(pgn(10)), gzipSync(pgn(20))]);
    const truncated = Buffer.from(whole.subarray(0, whole.length - 9));
    const corrupt = Buffer.from(whole);
    corrupt[Math.floor(corrupt.length / 2)]! ^= 0xff;
    const cases: Array<[Buffer, boolean]> = [
      [whole, true],
      [twoMembers, true],
      [truncated, false],
      [corrupt, false],
      [Buffer.from('not gzip at all, but long enough'), false],
      [Buffer.alloc(0), false],
    ];
    const expected = cases.map(([bytes]) => Buffer.from(bytes));
    const results = await Promise.all(cases.map(([bytes]) => thread.check(bytes)));
    results.forEach((result, index) => {
      expect(result.ok, `case ${index}`).toBe(cases[index]![1]);
      expect(result.bytes.equals(expected[index]!), `case ${index}`).toBe(true);
    });
  });

  it('copies bytes that share their memory instead of moving that memory away', async () => {
    const thread = open();
    const gzip = gzipSync(pgn(3));
    const larger = Buffer.concat([Buffer.from('head'), gzip, Buffer.from('tail')]);
    const view = larger.subarray(4, 4 + gzip.length);
    const pooled = Buffer.from(gzip); // a small Buffer comes from Node's shared pool
    expect((await thread.check(view)).ok).toBe(true);
    expect((await thread.check(pooled)).ok).toBe(true);
    expect(larger.subarray(0, 4).toString()).toBe('head');
    expect(view.equals(gzip)).toBe(true);
    expect(pooled.equals(gzip)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('runs at its nice value while the caller keeps its own', async () => {
    const nice = 9;
    const thread = open(nice);
    expect((await thread.check(gzipSync(pgn(1)))).ok).toBe(true);
    expect(threadsWithNice(nice)).toHaveLength(1);
    expect(niceOf(readlinkSync('/proc/thread-self'))).toBe(0);
    await thread.close();
    expect(threadsWithNice(nice)).toHaveLength(0);
  });

  it('checks on the event loop once the thread is gone', async () => {
    const failures: unknown[] = [];
    // Out of the range setpriority takes: the thread fails as it starts.
    const thread = open(25, (error) => failures.push(error));
    const bytes = gzipSync(pgn(2));
    await expect(thread.check(Buffer.from(bytes))).rejects.toThrow('the gzip check thread stopped');
    expect(failures).toHaveLength(1);
    expect((await thread.check(Buffer.from(bytes))).ok).toBe(true);
    expect((await thread.check(Buffer.from('not gzip at all, but long enough'))).ok).toBe(false);
    expect(failures).toHaveLength(1);
  });
});
