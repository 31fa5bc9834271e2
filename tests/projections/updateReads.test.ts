import { describe, expect, it } from 'vitest';
import { MACHINES, machinesProjection } from '../../src/projections/machines/machinesProjection.js';
import { taskDocId } from '../../src/projections/runs/runEventFacts.js';
import { TASKS, tasksProjection } from '../../src/projections/tasks/tasksProjection.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { buildScenario } from '../http/public/support/runScenario.js';

/*
 * A worker update is most of the log. The per-run documents of the tasks and machines read models
 * list the run's active tasks; an update must not read them, or every update would parse a list
 * that grows with the fleet.
 */
describe('documents a worker update names', () => {
  const updates = recordAll(buildScenario().events).filter((event) => event.type === 'TaskResultsReported');
  const noLookup = (): null => {
    throw new Error('an update looked a document up');
  };

  it('the tasks read model: the updated task only', () => {
    expect(updates.length).toBeGreaterThan(3);
    for (const event of updates) {
      const { runId, taskId } = event.data as { runId: string; taskId: number };
      expect(tasksProjection.lookups?.(event) ?? []).toEqual([]);
      expect(tasksProjection.keys(event, noLookup)).toEqual([{ collection: TASKS, id: taskDocId(runId, taskId) }]);
    }
  });

  it('the machines read model: the updated machine only', () => {
    for (const event of updates) {
      const { runId, taskId } = event.data as { runId: string; taskId: number };
      expect(machinesProjection.lookups?.(event) ?? []).toEqual([]);
      expect(machinesProjection.keys(event, noLookup)).toEqual([{ collection: MACHINES, id: taskDocId(runId, taskId) }]);
    }
  });
});
