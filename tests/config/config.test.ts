import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('defaults to embedded SQLite stores under ./data and port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.eventStoreUrl).toMatch(/^sqlite:.*data[/\\]events\.sqlite$/);
    expect(config.readStoreUrl).toMatch(/^sqlite:.*data[/\\]read\.sqlite$/);
    expect(config.blobStoreUrl).toMatch(/^file:.*data[/\\]blobs$/);
    expect(config.sqliteSynchronous).toBe('FULL');
    expect(config.runProjections).toBe('thread');
    expect(loadConfig({ RUN_PROJECTIONS: 'inline' }).runProjections).toBe('inline');
    expect(loadConfig({ RUN_PROJECTIONS: 'true' }).runProjections).toBe('inline');
    expect(loadConfig({ RUN_PROJECTIONS: 'off' }).runProjections).toBe('off');
    expect(config.projectionBatchDelayMs).toBe(100);
    expect(loadConfig({ PROJECTION_BATCH_DELAY_MS: '0' }).projectionBatchDelayMs).toBe(0);
    expect(config.projectionStallMs).toBe(60_000);
    expect(loadConfig({ PROJECTION_STALL_MS: '300000' }).projectionStallMs).toBe(300_000);
    expect(config.sqliteCommitIntervalMs).toBe(12);
    expect(loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '0' }).sqliteCommitIntervalMs).toBe(0);
    expect(config.projectionThreadNice).toBe(10);
    expect(loadConfig({ PROJECTION_THREAD_NICE: '0' }).projectionThreadNice).toBe(0);
    expect(config.listenBacklog).toBe(4096);
    expect(loadConfig({ LISTEN_BACKLOG: '511' }).listenBacklog).toBe(511);
  });

  it('reads production URLs', () => {
    const config = loadConfig({
      EVENT_STORE_URL: 'kurrentdb://localhost:2113?tls=false',
      READ_STORE_URL: 'mongodb://localhost:27017/fishtest',
      RUN_PROJECTIONS: 'false',
    });
    expect(config.eventStoreUrl).toBe('kurrentdb://localhost:2113?tls=false');
    expect(config.readStoreUrl).toBe('mongodb://localhost:27017/fishtest');
    expect(config.runProjections).toBe('off');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['EVENT_STORE_URL', 'postgres://x'],
    ['READ_STORE_URL', 'redis://x'],
    ['BLOB_STORE_URL', 's3://bucket'],
    ['SQLITE_SYNCHRONOUS', 'OFF'],
    ['RUN_PROJECTIONS', 'sometimes'],
    ['PROJECTION_BATCH_DELAY_MS', '-5'],
    ['PROJECTION_BATCH_DELAY_MS', '5000'],
    ['PROJECTION_STALL_MS', '10'],
    ['PROJECTION_STALL_MS', 'soon'],
    ['LISTEN_BACKLOG', '0'],
    ['SQLITE_COMMIT_INTERVAL_MS', '-1'],
    ['SQLITE_COMMIT_INTERVAL_MS', '1000'],
    ['PROJECTION_THREAD_NICE', '20'],
    ['PROJECTION_THREAD_NICE', '-5'],
  ])('rejects a bad %s with one line naming it', (setting, value) => {
    let error: unknown;
    try {
      loadConfig({ [setting]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(setting);
    expect(message).toContain(JSON.stringify(value));
    expect(message.split('\n')).toHaveLength(1);
  });
});
