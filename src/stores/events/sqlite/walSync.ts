import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { createDurationRecorder, type DurationStats } from '../../sqlite/durationStats.js';

/**
 * Makes committed WAL frames durable without blocking the event loop: `fdatasync` of the WAL
 * file runs on libuv's thread pool while requests go on. Callers that commit while a sync is
 * running share the next one, so one fsync covers every transaction committed before it began.
 */
export interface WalSync {
  /** Resolves once everything written to the WAL before this call is on stable storage. */
  sync(): Promise<void>;
  /** Waits for the syncs in progress, then releases the file. */
  close(): Promise<void>;
  /** How long each `fdatasync` took: the disk's share of an append's latency. */
  stats?(): DurationStats;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createWalSync(walPath: string): WalSync {
  let opened: { fd: number; inode: number } | undefined;
  let running = false;
  let waiting: Waiter[] = [];
  let idle: Array<() => void> = [];
  const durations = createDurationRecorder();

  /** The WAL file as it is now: SQLite may have replaced it since the last sync (it never does while a connection is open). */
  const currentFd = (): number => {
    const inode = statSync(walPath).ino;
    if (opened?.inode === inode) return opened.fd;
    if (opened) closeSync(opened.fd);
    opened = undefined;
    const fd = openSync(walPath, 'r');
    opened = { fd, inode: fstatSync(fd).ino };
    return fd;
  };

  const pump = (): void => {
    if (running) return;
    if (waiting.length === 0) {
      const done = idle;
      idle = [];
      for (const resolve of done) resolve();
      return;
    }
    running = true;
    const round = waiting;
    waiting = [];
    const started = performance.now();
    const finish = (error: unknown): void => {
      durations.record(performance.now() - started);
      running = false;
      for (const waiter of round) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      pump();
    };
    try {
      fdatasync(currentFd(), (error) => finish(error ?? undefined));
    } catch (error) {
      finish(error);
    }
  };

  return {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        pump();
      }),
    close: async () => {
      if (running || waiting.length > 0) await new Promise<void>((resolve) => idle.push(resolve));
      if (opened) closeSync(opened.fd);
      opened = undefined;
    },
    stats: () => durations.snapshot(),
  };
}
