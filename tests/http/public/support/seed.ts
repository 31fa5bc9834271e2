import { runEvent } from '../../../../src/domain/runs/events.js';
import { toIso } from '../../../../src/domain/shared/time.js';
import { baseArgs } from '../../../domain/runs/fixtures.js';
import type { DomainEvent } from './recordedEvents.js';
import { alice, buildScenario, MINUTE, runDriver, T0, type Scenario } from './runScenario.js';

export const RUN_ACTIVE = '64f0a1b2c3d4e5f6a7b8c9aa';
export const FINISHED_COUNT = 120;
export const WORKER_LOGS = 70;

/** The id of the i-th synthetic finished run. */
export const finishedRunId = (index: number): string => `ffffffffffffffffffff${index.toString().padStart(4, '0')}`;

export interface Seed {
  scenario: Scenario;
  events: DomainEvent[];
}

/**
 * The scenario, plus an active run with one worker (and many worker log lines), plus 120 finished
 * runs: every third an LTC, every fourth green and every fourth yellow, alternately bob's and
 * carol's, each updated a minute after the previous one.
 */
export const buildSeed = (): Seed => {
  const scenario = buildScenario();
  const active = runDriver(RUN_ACTIVE, baseArgs({ new_tag: 'busy', info: 'Active with one worker', username: 'carol' }), T0 + 50 * MINUTE);
  active.exec({ type: 'ApproveRun', data: { runId: RUN_ACTIVE, by: 'approver1', isApprover: true } }, T0 + 50 * MINUTE);
  active.exec({ type: 'AssignTask', data: { runId: RUN_ACTIVE, workerInfo: alice(11) } }, T0 + 51 * MINUTE);
  for (let i = 0; i < WORKER_LOGS; i += 1) {
    active.exec({ type: 'LogWorkerMessage', data: { runId: RUN_ACTIVE, taskId: 0, workerInfo: alice(11), message: `line ${i}` } }, T0 + 52 * MINUTE);
  }
  const finished: DomainEvent[] = [];
  for (let i = 0; i < FINISHED_COUNT; i += 1) {
    const runId = finishedRunId(i);
    const tc = i % 3 === 0 ? '60+0.6' : '10+0.1';
    const at = toIso(T0 + (60 + i) * MINUTE);
    const args = baseArgs({ new_tag: `batch-${i}`, tc, new_tc: tc, username: i % 2 === 0 ? 'carol' : 'bob', info: i === 7 ? 'Special needle' : 'batch' });
    finished.push(runEvent('RunCreated', { runId, at, args, tcBase: tc === '60+0.6' ? 60 : 10 }));
    finished.push(
      runEvent('RunFinished', { runId, at, reason: 'games-reached', flags: { isGreen: i % 4 === 0, isYellow: i % 4 === 1 } }),
    );
  }
  return { scenario, events: [...scenario.events, ...active.events, ...finished] };
};
