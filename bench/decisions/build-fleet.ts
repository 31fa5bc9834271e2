/**
 * Builds the fleet the way it came to be: every run created from a form submission, approved,
 * then given tasks by the scheduler, one new worker at a time, with the itp refreshed every
 * simulated 60 s as the periodic job does. Every state is a fold of the decided events.
 */
import { facts, newWorker, runSubmission, type RunKind } from './fleet-mix.js';
import type { Random } from './random.js';
import type { TaskRef, World } from './world.js';

export interface FleetSize {
  readonly runs: number;
  readonly tasks: number;
  /** Simulated time between two task requests of the fleet (30-minute tasks: 20,000 tasks → 90 ms). */
  readonly requestIntervalMs: number;
}

export interface BuiltFleet {
  readonly kinds: Readonly<Record<RunKind, number>>;
  /** Active tasks in assignment order, oldest first. */
  readonly tasks: TaskRef[];
  /** Workers created so far (the next new worker's number). */
  readonly workers: number;
}

export const ITP_INTERVAL_MS = 60_000;

export const buildFleet = (world: World, random: Random, size: FleetSize): BuiltFleet => {
  const kinds: Record<RunKind, number> = { sprt: 0, games: 0, spsa: 0 };
  for (let n = 0; n < size.runs; n += 1) {
    const { kind, submission } = runSubmission(n, random);
    // ObjectId-like and deterministic: creation second (spread over the previous days), then the number.
    const createdAt = Math.floor((world.now() - (size.runs - n) * 600_000) / 1000);
    const runId = `${createdAt.toString(16).padStart(8, '0')}${n.toString(16).padStart(16, '0')}`;
    world.apply({ type: 'CreateRun', data: { runId, submission, facts } });
    world.apply({ type: 'ApproveRun', data: { runId, by: 'approver', isApprover: true } });
    kinds[kind] += 1;
  }

  world.jobs.refreshItp();
  let nextItpRefresh = world.now() + ITP_INTERVAL_MS;
  const tasks: TaskRef[] = [];
  let workers = 0;
  while (tasks.length < size.tasks) {
    world.advance(size.requestIntervalMs);
    if (world.now() >= nextItpRefresh) {
      world.jobs.refreshItp();
      nextItpRefresh += ITP_INTERVAL_MS;
    }
    const task = world.schedule(newWorker(workers, random));
    workers += 1;
    if (task !== undefined) tasks.push(task);
    // Workers that no run can take (arch, compiler, memory) are rare; a fleet that takes none is a bug.
    if (workers > 2 * size.tasks) throw new Error(`only ${tasks.length} of ${workers} workers got a task`);
  }
  world.jobs.refreshItp();
  return { kinds, tasks, workers };
};
