import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import { runEvent, type RunEvent } from '../../../src/domain/runs/events.js';
import type { Run } from '../../../src/domain/runs/state.js';
import type { ArchMatcher } from '../../../src/domain/scheduling/arch-filter.js';
import { fleetFromRuns } from '../../../src/domain/scheduling/fleet.js';
import { requestTask, type TaskRequest, type TaskRequestOutcome } from '../../../src/domain/scheduling/request-task.js';
import type { WorkerInfo } from '../../../src/domain/shared/worker-info.js';
import { approved, assigned, at, baseArgs, created, machine, runOf, SECOND, spsaArgs, T0, workerInfo } from '../runs/fixtures.js';

const runId = (n: number): string => n.toString(16).padStart(24, '0');

const run = (n: number, args: Partial<RunArgs> = {}, ...more: RunEvent[]): Run =>
  runOf(created(baseArgs(args), T0, runId(n)), approved(T0, 'approver1', runId(n)), ...more);

const request = (runs: Run[], worker: WorkerInfo = workerInfo(), extra: Partial<TaskRequest> = {}): TaskRequestOutcome =>
  requestTask({ worker, now: T0 + 10 * SECOND, runs, fleet: fleetFromRuns(runs), machineLimit: 16, hostUrl: 'https://tests.example', ...extra });

const chosen = (outcome: TaskRequestOutcome): string | undefined => (outcome.kind === 'assign' ? outcome.runId : undefined);

describe('request_task', () => {
  it('assigns a task of the only suitable run', () => {
    const outcome = request([run(1)]);
    expect(outcome).toMatchObject({ kind: 'assign', runId: runId(1), command: { type: 'AssignTask', data: { runId: runId(1) } } });
  });

  it('answers that no run is available when there is none', () => {
    expect(request([])).toEqual({ kind: 'no-run', diagnostics: [] });
  });

  describe('refusals', () => {
    it('refuses a blocked worker with the banner naming its short name', () => {
      const outcome = request([run(1)], workerInfo(), { blocked: { message: 'Too many crashes' } });
      expect(outcome.kind).toBe('refused');
      if (outcome.kind !== 'refused') return;
      expect(outcome.reason).toBe('blocked');
      expect(outcome.error).toContain('Request_task: This worker has been blocked!\nMessage: Too many crashes\n');
      expect(outcome.error).toContain('https://tests.example/workers/alice-8cores-abcd1234.');
    });

    it('refuses a second live worker with the same name but another unique key (within 120 s)', () => {
      const other = workerInfo({ unique_key: 'abcd1234-ffff-4459-b722-1560ae3bd123' });
      const busy = run(1, {}, assigned(0, 100, other, T0, 0, runId(1)));
      const outcome = request([busy], workerInfo(), { now: T0 + 120 * SECOND + 999 });
      expect(outcome).toEqual({
        kind: 'refused',
        reason: 'duplicate-worker',
        error:
          'Request_task: There is already a worker running with name "alice-8cores-abcd1234-ffff" which 120 seconds ago ' +
          `sent an update for task ${runId(1)}/0 (my name is "alice-8cores-abcd1234-2869")`,
      });
    });

    it('lets it in after 120 s of silence, failing the stale task', () => {
      const other = workerInfo({ unique_key: 'abcd1234-ffff-4459-b722-1560ae3bd123' });
      const busy = run(1, {}, assigned(0, 100, other, T0, 0, runId(1)));
      const outcome = request([busy], workerInfo(), { now: T0 + 121 * SECOND });
      expect(outcome).toMatchObject({ kind: 'assign', staleTask: { runId: runId(1), taskId: 0 } });
    });

    it('counts heartbeats as signs of life', () => {
      const other = workerInfo({ unique_key: 'abcd1234-ffff-4459-b722-1560ae3bd123' });
      const busy = run(1, {}, assigned(0, 100, other, T0, 0, runId(1)));
      const outcome = request([busy], workerInfo(), { now: T0 + 200 * SECOND, fleet: fleetFromRuns([busy], () => T0 + 150 * SECOND) });
      expect(outcome).toMatchObject({ kind: 'refused', reason: 'duplicate-worker' });
    });

    it('gives the same worker (same unique key) a new task and fails its old one as stale', () => {
      const busy = run(1, {}, assigned(0, 100, workerInfo(), T0, 0, runId(1)));
      expect(request([busy])).toMatchObject({ kind: 'assign', staleTask: { runId: runId(1), taskId: 0 } });
    });

    it('refuses once the IP holds as many active tasks as the user\u2019s machine limit', () => {
      const ip = '203.0.113.7';
      const busy = run(1, {}, assigned(0, 100, machine(1, { remote_addr: ip }), T0, 0, runId(1)), assigned(1, 100, machine(2, { remote_addr: ip }), T0, 0, runId(1)));
      expect(request([busy], machine(3, { remote_addr: ip }), { machineLimit: 2 })).toEqual({
        kind: 'refused',
        reason: 'machine-limit',
        error: 'Request_task: Machine limit reached for user alice',
      });
      expect(request([busy], machine(3, { remote_addr: ip }), { machineLimit: 3 }).kind).toBe('assign');
    });
  });

  describe('run order', () => {
    it('serves higher priority first', () => {
      expect(chosen(request([run(1, { priority: 0 }), run(2, { priority: 1 })]))).toBe(runId(2));
    });

    it('serves runs without cores before runs that have some', () => {
      const busy = run(1, {}, assigned(0, 100, machine(9), T0, 0, runId(1)));
      expect(chosen(request([busy, run(2)]))).toBe(runId(2));
    });

    it('then balances cores against internal throughput', () => {
      const a = run(1, {}, assigned(0, 100, machine(8, { concurrency: 16 }), T0, 0, runId(1)));
      const b = run(2, {}, assigned(0, 100, machine(9, { concurrency: 4 }), T0, 0, runId(2)));
      expect(chosen(request([a, b]))).toBe(runId(2));
      // With four times the itp, the busier run is the one furthest below its share.
      expect(chosen(request([a, b], workerInfo(), { itpOf: (r) => (r.runId === runId(1) ? 400 : 100) }))).toBe(runId(1));
    });

    it('computes internal throughput itself by default: an owner with many active runs gets less', () => {
      const busyOwner = [1, 2, 3, 4, 5, 6].map((n) => run(n, { username: 'busy' }, assigned(0, 10, machine(20 + n, { concurrency: 1 }), T0, 0, runId(n))));
      const solo = run(7, { username: 'solo' }, assigned(0, 10, machine(30, { concurrency: 1 }), T0, 0, runId(7)));
      expect(chosen(request([...busyOwner, solo]))).toBe(runId(7));
    });

    it('keeps the given order among runs that rank equally', () => {
      expect(chosen(request([run(3), run(1), run(2)]))).toBe(runId(3));
      expect(chosen(request([run(2), run(3), run(1)]))).toBe(runId(2));
    });

    it('evaluates arch filters only in priority order, up to the run it assigns', () => {
      const seen: string[] = [];
      const matchArch: ArchMatcher = (pattern) => {
        seen.push(pattern);
        return pattern === 'no' ? { kind: 'no-match' } : pattern === 'broken' ? { kind: 'error', message: 'timeout' } : { kind: 'match' };
      };
      const runs = [run(1, { priority: 0, arch_filter: 'later' }), run(2, { priority: 2, arch_filter: 'no' }), run(3, { priority: 1, arch_filter: 'broken' })];
      expect(request(runs, workerInfo(), { matchArch })).toMatchObject({
        kind: 'assign',
        runId: runId(3),
        diagnostics: ['Matching x86-64-avx2 against broken failed: timeout'],
      });
      expect(seen).toEqual(['no', 'broken']);
    });

    it('picks the first playable run of the runs stably sorted by rank', () => {
      const runSpec = fc.record({
        priority: fc.integer({ min: -1, max: 1 }),
        itp: fc.integer({ min: 1, max: 4 }),
        playable: fc.boolean(),
        archMatches: fc.option(fc.boolean(), { nil: undefined }),
        busyCores: fc.constantFrom(0, 0, 4, 8),
      });
      fc.assert(
        fc.property(fc.array(runSpec, { maxLength: 12 }), (specs) => {
          const runs = specs.map((spec, n) => {
            const args: Partial<RunArgs> = {
              priority: spec.priority,
              ...(spec.playable ? {} : { threads: 16 }),
              ...(spec.archMatches === undefined ? {} : { arch_filter: spec.archMatches ? 'avx2' : 'avx512' }),
            };
            const busy = spec.busyCores === 0 ? [] : [assigned(0, 100, machine(100 + n, { concurrency: spec.busyCores }), T0, 0, runId(n))];
            return run(n, args, ...busy);
          });
          const itpOf = (r: Run): number => specs[Number.parseInt(r.runId, 16)]!.itp;
          const rank = (r: Run): number[] => [-r.args.priority, r.cores > 0 ? 1 : 0, (r.cores + 4) / itpOf(r)];
          const compare = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
          const expected = runs
            .filter((_, n) => specs[n]!.playable && specs[n]!.archMatches !== false)
            .sort((a, b) => compare(rank(a), rank(b)))[0]?.runId;
          expect(chosen(request(runs, workerInfo(), { itpOf }))).toBe(expected);
        }),
      );
    });

    it('counts the worker\u2019s own freed cores on its last run, so it moves on', () => {
      const finishedHere = runEvent('TaskCompleted', { runId: runId(1), at: at(T0), taskId: 0 });
      const last = run(1, {}, assigned(0, 100, workerInfo(), T0, 0, runId(1)), finishedHere);
      const other = run(2, {}, assigned(0, 100, machine(9, { concurrency: 1 }), T0, 0, runId(2)));
      expect(chosen(request([last, other]))).toBe(runId(2));
    });
  });

  describe('filters', () => {
    it('skips unapproved and finished runs', () => {
      const pending = runOf(created(baseArgs(), T0, runId(1)));
      const stopped = run(2, {}, runEvent('RunDeleted', { runId: runId(2), at: at(T0), by: 'owner', flags: { isGreen: false, isYellow: false } }));
      expect(request([pending, stopped]).kind).toBe('no-run');
    });

    it('skips runs needing more threads than the worker has, or fewer than its minimum', () => {
      expect(request([run(1, { threads: 16 })]).kind).toBe('no-run');
      expect(request([run(1, { threads: 1 })], workerInfo({ min_threads: 2 })).kind).toBe('no-run');
    });

    it('skips runs whose games are all committed', () => {
      expect(request([run(1, { num_games: 100 }, assigned(0, 100, machine(9), T0, 0, runId(1)))]).kind).toBe('no-run');
    });

    it('skips runs needing more memory than the worker offers', () => {
      // 8 parallel games at Hash=16+16: 220 + 160 + 64 + 2·8·(12+139+31) + 32·8 = 3612 MiB.
      expect(request([run(1)], workerInfo({ max_memory: 3611 })).kind).toBe('no-run');
      expect(request([run(1)], workerInfo({ max_memory: 3612 })).kind).toBe('assign');
    });

    it('near its GitHub API limit, gives a worker only runs it has built before', () => {
      const known = run(1, {}, assigned(0, 10, workerInfo(), T0, 0, runId(1)), runEvent('TaskCompleted', { runId: runId(1), at: at(T0), taskId: 0 }));
      const fresh = run(2, { priority: 5 });
      const worker = workerInfo({ near_github_api_limit: true });
      expect(chosen(request([known, fresh], worker))).toBe(runId(1));
      expect(request([fresh], worker).kind).toBe('no-run');
    });

    it('caps SPSA runs at 200000/√(number of params) cores', () => {
      const heavy = machine(9, { concurrency: 141_422 });
      const spsa = runOf(created(spsaArgs(), T0, runId(1)), approved(T0, 'a', runId(1)), assigned(0, 10, heavy, T0, 0, runId(1)));
      // Two parameters: the cap is 141421.4 cores.
      expect(request([spsa]).kind).toBe('no-run');
    });

    it('applies the arch filter as a regular expression search', () => {
      expect(request([run(1, { arch_filter: 'avx512' })]).kind).toBe('no-run');
      expect(request([run(1, { arch_filter: 'avx2|bmi2' })]).kind).toBe('assign');
    });

    it('does not hold an arch filter it cannot evaluate against the worker, and reports it', () => {
      const failing: ArchMatcher = () => ({ kind: 'error', message: 'timeout' });
      expect(request([run(1, { arch_filter: '(a+)+$' })], workerInfo(), { matchArch: failing })).toMatchObject({
        kind: 'assign',
        diagnostics: ['Matching x86-64-avx2 against (a+)+$ failed: timeout'],
      });
    });

    it('skips runs that ask for another compiler', () => {
      expect(request([run(1, { compiler: 'clang++' })]).kind).toBe('no-run');
      expect(request([run(1, { compiler: 'g++' })]).kind).toBe('assign');
    });
  });
});
