import { describe, expect, it } from 'vitest';
import { listedRun, pythonDatetime, strippedRun } from '../../../src/http/public/views.js';
import { evolveRunRead } from '../../../src/projections/runs/runDocument.js';
import { runEvent } from '../../../src/domain/runs/events.js';
import { created, spsaArgs } from '../../domain/runs/fixtures.js';

describe('public API views', () => {
  it("prints times as Python's str() of an aware UTC datetime", () => {
    expect(pythonDatetime('2026-11-01T12:00:00.000Z')).toBe('2026-11-01 12:00:00+00:00');
    expect(pythonDatetime('2026-11-01T12:00:00.123Z')).toBe('2026-11-01 12:00:00.123000+00:00');
    expect(pythonDatetime('0999-01-02T03:04:05.006Z')).toBe('0999-01-02 03:04:05.006000+00:00');
  });

  it('empties the SPSA history for get_run and leaves it out of the lists', () => {
    const runId = 'r-spsa';
    let state = evolveRunRead(null, created(spsaArgs(), Date.UTC(2026, 10, 1), runId));
    state = evolveRunRead(
      state,
      runEvent('SpsaResultsApplied', {
        runId,
        at: '2026-11-01T00:00:01.000Z',
        taskId: 0,
        iter: 1,
        thetas: [101, 49],
        historySample: [
          { theta: 101, R: 0.1, c: 1 },
          { theta: 49, R: 0.1, c: 1 },
        ],
      }),
    );
    const doc = state!.doc;
    expect(doc.args.spsa?.param_history).toHaveLength(1);
    expect(doc.args.spsa?.params.map((param) => param.theta)).toEqual([101, 49]);
    const stripped = strippedRun(doc) as unknown as { args: { spsa: Record<string, unknown> }; tasks: unknown[]; bad_tasks: unknown[] };
    expect(stripped.args.spsa.param_history).toEqual([]);
    expect(stripped.tasks).toEqual([]);
    expect(stripped.bad_tasks).toEqual([]);
    const listed = listedRun(doc) as unknown as { args: { spsa: Record<string, unknown> } };
    expect(listed.args.spsa).not.toHaveProperty('param_history');
    expect(listed).not.toHaveProperty('tasks');
    // The stored document keeps its history.
    expect(doc.args.spsa?.param_history).toHaveLength(1);
  });
});
