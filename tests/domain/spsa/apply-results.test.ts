import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applySpsaResults } from '../../../src/domain/spsa/apply-results.js';
import { buildSpsaState } from '../../../src/domain/spsa/build-state.js';
import { issueSpsaStep } from '../../../src/domain/spsa/issue-step.js';
import type {
  SpsaBatchResults,
  SpsaFlip,
  SpsaHistorySample,
  SpsaParam,
  SpsaState,
  SpsaTaskParams,
} from '../../../src/domain/spsa/types.js';
import { createGoldenComparator, loadSpsaFixture } from './golden.js';

type RequestOp = {
  op: 'request';
  task: number;
  flips: SpsaFlip[];
  sig: number;
  task_params: { iter: number; packed_flips: number[] };
};
type UpdateOp = {
  op: 'update';
  task: number;
  results: SpsaBatchResults;
  sig_mode: 'match' | 'wrong' | 'absent' | 'no-task-params';
  error: { type: string; message: string } | null;
  task_params_left: boolean;
  after: {
    iter: number;
    theta: number[];
    history_length: number | null;
    history_appended: SpsaHistorySample[] | null;
  };
};
interface Scenario {
  initial: Omit<SpsaState, 'raw_params'>;
  run_num_games: number;
  ops: (RequestOp | UpdateOp)[];
}

const scenarios = loadSpsaFixture<Scenario[]>('update-scenarios.json');
const golden = createGoldenComparator('apply-results');

const EXPECTED_OUTCOME = {
  match: 'applied',
  wrong: 'signature-mismatch',
  absent: 'signature-mismatch',
  'no-task-params': 'no-task-params',
} as const;

const outcomeName = (outcome: ReturnType<typeof applySpsaResults>): string =>
  outcome.kind === 'skipped' ? outcome.reason : outcome.kind;

describe('request_spsa / update_task replay against upstream SPSAHandler', () => {
  it.each(scenarios.map((s, index) => [index, s.initial.params.length, s.ops.length, s] as const))(
    'scenario %i (%i params, %i operations)',
    (_, __, ___, scenario) => {
      let state: SpsaState = { ...scenario.initial, raw_params: '' };
      const tasks = new Map<number, SpsaTaskParams>();
      let historySeen = state.param_history?.length ?? 0;
      for (const [index, op] of scenario.ops.entries()) {
        const context = `operation ${index} (${op.op} on task ${op.task})`;
        if (op.op === 'request') {
          const issued = issueSpsaStep(state, op.flips);
          expect(issued.ok, context).toBe(true);
          if (!issued.ok) return;
          expect(issued.value.response.sig, context).toBe(op.sig);
          expect(issued.value.taskParams.iter, context).toBe(op.task_params.iter);
          expect([...issued.value.taskParams.packed_flips], context).toEqual(op.task_params.packed_flips);
          tasks.set(op.task, issued.value.taskParams);
          continue;
        }
        expect(op.error, context).toBeNull();
        const outcome = applySpsaResults(state, tasks.get(op.task), op.results, scenario.run_num_games);
        tasks.delete(op.task); // the step is used up whatever the outcome
        expect(outcomeName(outcome), context).toBe(EXPECTED_OUTCOME[op.sig_mode]);
        expect(op.task_params_left, context).toBe(false);
        if (outcome.kind === 'applied') state = outcome.state;
        const history = state.param_history;
        golden.expectMatches(
          {
            iter: state.iter,
            theta: state.params.map((param) => param.theta),
            history_length: history === undefined ? null : history.length,
            history_appended: history === undefined ? null : history.slice(historySeen),
          },
          op.after,
          context,
        );
        historySeen = history?.length ?? 0;
      }
    },
  );

  it('covers at least 200 updates of every outcome', () => {
    const updates = scenarios.flatMap((s) => s.ops).filter((op): op is UpdateOp => op.op === 'update');
    expect(updates.length).toBeGreaterThanOrEqual(200);
    for (const mode of ['match', 'wrong', 'absent', 'no-task-params'] as const) {
      expect(updates.some((op) => op.sig_mode === mode), mode).toBe(true);
    }
    expect(updates.some((op) => op.results.wins < op.results.losses)).toBe(true);
    expect(updates.some((op) => op.results.wins === op.results.losses)).toBe(true);
    expect(updates.some((op) => (op.after.history_appended?.length ?? 0) > 0)).toBe(true);
  });
});

describe('applySpsaResults, properties', () => {
  const stateArbitrary = fc
    .array(
      fc.record({
        start: fc.integer({ min: -100, max: 100 }),
        below: fc.integer({ min: 0, max: 50 }),
        above: fc.integer({ min: 0, max: 50 }),
        c_end: fc.double({ min: 0.01, max: 20, noNaN: true }),
        r_end: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 9 },
    )
    .chain((lines) =>
      fc.constantFrom(1000, 20000, 100000).map((numGames) => {
        const raw = lines
          .map((l, i) => `p${i},${l.start},${l.start - l.below},${l.start + l.above},${l.c_end},${l.r_end}`)
          .join('\n');
        const built = buildSpsaState({ A: 0.1, alpha: 0.602, gamma: 0.101, raw_params: raw }, numGames);
        if (!built.ok) throw new Error(built.failure.message);
        return { state: built.value, numGames };
      }),
    );
  const batchArbitrary = fc
    .record({
      flipSeed: fc.array(fc.constantFrom<SpsaFlip>(1, -1), { minLength: 9, maxLength: 9 }),
      wins: fc.integer({ min: 0, max: 64 }),
      losses: fc.integer({ min: 0, max: 64 }),
      draws: fc.integer({ min: 0, max: 64 }),
    })
    .filter((b) => (b.wins + b.losses + b.draws) % 2 === 0);

  interface Batch { flipSeed: SpsaFlip[]; wins: number; losses: number; draws: number }

  const replay = (start: SpsaState, numGames: number, batches: Batch[]): SpsaState =>
    batches.reduce((state, batch) => {
      const issued = issueSpsaStep(state, batch.flipSeed);
      if (!issued.ok) throw new Error(issued.failure.message);
      const { wins, losses, draws } = batch;
      const results = { wins, losses, draws, num_games: wins + losses + draws, sig: issued.value.response.sig };
      const outcome = applySpsaResults(state, issued.value.taskParams, results, numGames);
      if (outcome.kind !== 'applied') throw new Error(outcome.kind);
      return outcome.state;
    }, start);

  it('keeps every theta inside [min, max] and gives the same state when replayed', () => {
    fc.assert(
      fc.property(stateArbitrary, fc.array(batchArbitrary, { maxLength: 20 }), ({ state, numGames }, batches) => {
        const first = replay(state, numGames, batches);
        const second = replay(state, numGames, batches);
        expect(second).toEqual(first);
        first.params.forEach((param: SpsaParam) => {
          expect(param.theta).toBeGreaterThanOrEqual(param.min);
          expect(param.theta).toBeLessThanOrEqual(param.max);
        });
        expect(first.iter).toBe(batches.reduce((sum, b) => sum + (b.wins + b.losses + b.draws) / 2, 0));
      }),
      { numRuns: 60 },
    );
  });

  it('does not touch the state it was given', () => {
    const built = buildSpsaState({ A: 0.1, alpha: 0.602, gamma: 0.101, raw_params: 'x,5,0,10,1,0.5' }, 2000);
    if (!built.ok) throw new Error('setup');
    const before = structuredClone(built.value);
    const issued = issueSpsaStep(built.value, [1]);
    if (!issued.ok) throw new Error('setup');
    const results = { wins: 30, losses: 2, draws: 0, num_games: 32, sig: issued.value.response.sig };
    const outcome = applySpsaResults(built.value, issued.value.taskParams, results, 2000);
    expect(outcome.kind).toBe('applied');
    expect(built.value).toEqual(before);
  });

  it('fails, leaving the state alone, when the stored flips are fewer than the params', () => {
    const built = buildSpsaState(
      { A: 0.1, alpha: 0.602, gamma: 0.101, raw_params: 'x,5,0,10,1,0.5\ny,5,0,10,1,0.5' },
      2000,
    );
    if (!built.ok) throw new Error('setup');
    const taskParams = { iter: 0, packed_flips: new Uint8Array() };
    const outcome = applySpsaResults(built.value, taskParams, { wins: 1, losses: 1, draws: 0, num_games: 2, sig: 0 }, 2000);
    expect(outcome.kind).toBe('failed');
  });
});
