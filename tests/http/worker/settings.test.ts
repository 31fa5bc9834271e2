import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.js';

describe('worker API settings', () => {
  it('defaults: this process serves workers, 16 request_task at once, no proxy trusted, networks served here', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ workerApi: true, requestTaskConcurrency: 16, trustProxy: false });
    expect(config.nnUrl).toBeUndefined();
  });

  it('reads each setting', () => {
    expect(loadConfig({ WORKER_API: 'false' }).workerApi).toBe(false);
    expect(loadConfig({ REQUEST_TASK_CONCURRENCY: '5' }).requestTaskConcurrency).toBe(5);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ NN_URL: 'https://data.example.org/fishtest/' }).nnUrl).toBe('https://data.example.org/fishtest');
  });

  it.each([
    ['REQUEST_TASK_CONCURRENCY', '0'],
    ['REQUEST_TASK_CONCURRENCY', 'many'],
    ['NN_URL', 'ftp://nets.example.org'],
    ['WORKER_API', 'maybe'],
  ])('refuses %s=%s with one line naming it', (setting, value) => {
    expect(() => loadConfig({ [setting]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [setting]: value })).toThrow(setting);
  });
});
