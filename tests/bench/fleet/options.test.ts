import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseFleetOptions } from '../../../bench/fleet/options.js';

describe('fleet benchmark options', () => {
  it('defaults to the issue\'s cadence run: 20,000 workers at production pace, then a burst of 20,000', () => {
    expect(parseFleetOptions([])).toMatchObject({ mode: 'cadence', workers: 20_000, speed: 1, burst: 20_000, projections: 'thread', synchronous: 'FULL' });
  });

  it('reads the saturation options', () => {
    expect(parseFleetOptions(['--mode', 'saturation', '--rounds', '1', '--only', 'beat', '--connections', '50'])).toMatchObject({
      mode: 'saturation',
      rounds: 1,
      only: 'beat',
      connections: 50,
    });
  });

  it.each([
    [['--workers', '0'], '--workers must be a positive number'],
    [['--workers', '0.4'], '--workers must be a whole number'],
    [['--ramp', 'soon'], '--ramp must be a positive number'],
    [['--speed=-2'], '--speed must be a positive number'],
    [['--mode', 'fast'], '--mode must be cadence or saturation'],
    [['--only', 'upload_pgn'], '--only must be one of beat, request_version, request_task, update_task'],
    [['--projections', 'elsewhere'], '--projections must be thread, inline or process'],
  ])('refuses %j with a message', (argv, message) => {
    expect(() => parseFleetOptions(argv)).toThrow(message);
  });

  it('refuses an unknown option', () => {
    expect(() => parseFleetOptions(['--workerz', '5'])).toThrow(/workerz/);
  });

  it('exits with 2 and the usage on a bad option, before starting anything', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/fleet.ts', '--workers', 'many'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--workers must be a positive number');
    expect(run.stderr).toContain('npm run bench:fleet -- [options]');
  }, 30_000);
});
