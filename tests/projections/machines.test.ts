import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workerName } from '../../src/domain/shared/worker-info.js';
import { toIso } from '../../src/domain/shared/time.js';
import { MACHINES, machinesProjection, type MachineDocument } from '../../src/projections/machines/machinesProjection.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { simulateRun, simulationArb } from '../http/public/support/randomRuns.js';
import { buildScenario, RUN_FIXED, RUN_SPRT, RUN_SPSA, T0, MINUTE } from '../http/public/support/runScenario.js';

const scenario = buildScenario();
/** The scenario's events up to (and including) the given minute after T0. */
const until = (minutes: number) =>
  scenario.events.filter((event) => {
    const at = (event.data as { at: string }).at;
    return Date.parse(at) <= T0 + minutes * MINUTE;
  });

describe('machines read model', () => {
  it('lists one machine per active task, with the run it works on', () => {
    const state = projectInMemory([machinesProjection], recordAll(until(7)));
    const machines = docsOf(state, MACHINES) as MachineDocument[];
    expect(machines.map((machine) => machine._id).sort()).toEqual(
      [`${RUN_SPRT}-0`, `${RUN_SPRT}-1`, `${RUN_FIXED}-0`, `${RUN_SPSA}-0`].sort(),
    );
    expect(docOf(state, MACHINES, `${RUN_SPRT}-0`)).toMatchObject({
      run_id: RUN_SPRT,
      task_id: 0,
      username: 'alice',
      worker_name: 'alice-8cores-m0000001-2869',
      concurrency: 8,
      nps: 700_000,
      last_updated: toIso(T0 + 5 * MINUTE),
      run: { new_tag: 'sprt-branch', tc: '10+0.1', threads: 1 },
    });
  });

  it('never keeps the worker address, and only a prefix of its key', () => {
    const state = projectInMemory([machinesProjection], recordAll(until(7)));
    const machine = docOf(state, MACHINES, `${RUN_SPRT}-0`) as MachineDocument;
    expect(machine.worker_info).not.toHaveProperty('remote_addr');
    expect(machine.worker_info.unique_key).toBe('m0000001...');
    expect(JSON.stringify(machine)).not.toContain('198.51.100');
  });

  it('follows updates and drops tasks as they stop, fail, die or their run ends', () => {
    const midway = projectInMemory([machinesProjection], recordAll(until(14)));
    expect((docsOf(midway, MACHINES) as MachineDocument[]).map((machine) => machine._id).sort()).toEqual(
      [`${RUN_SPRT}-0`, `${RUN_SPRT}-2`, `${RUN_SPSA}-0`].sort(),
    );
    expect(docOf(midway, MACHINES, `${RUN_SPRT}-0`)).toMatchObject({ last_updated: toIso(T0 + 10 * MINUTE) });
    const end = projectInMemory([machinesProjection], recordAll(scenario.events));
    expect(docsOf(end, MACHINES)).toEqual([]);
  });

  it('lists exactly the active tasks of random fleets (property)', () => {
    fc.assert(
      fc.property(simulationArb, ([args, actions]) => {
        const { driver } = simulateRun(RUN_SPRT, args, actions);
        const state = projectInMemory([machinesProjection], recordAll(driver.events));
        const machines = docsOf(state, MACHINES) as MachineDocument[];
        const expected = [...driver.run.activeTaskIds].sort((a, b) => a - b);
        expect(machines.map((machine) => machine.task_id).sort((a, b) => a - b)).toEqual(expected);
        for (const machine of machines) {
          const task = driver.run.tasks.get(machine.task_id)!;
          expect(machine.worker_name).toBe(workerName(task.workerInfo));
          expect(machine.last_updated).toBe(toIso(task.lastUpdated));
        }
      }),
      { numRuns: 80, seed: 7 },
    );
  });
});
