import { estimateGameDuration } from '../../domain/shared/time-control.js';
import type { SortSpec } from '../../stores/documents/port.js';
import type { MachineDocument } from '../machines/machinesProjection.js';
import type { ReadModels } from '../readModels.js';
import {
  CONTRIBUTORS,
  CONTRIBUTORS_MONTHLY,
  type ContributorDocument,
  type MonthlyContributorDocument,
} from './contributorsProjection.js';

/** Upstream's reference speed for games per hour (nps of one core of its reference machine). */
const GAMES_PER_HOUR_REFERENCE_NPS = 628_000;

/**
 * Upstream's live games/hour per user, from the machines working now:
 * Σ (nps / 628000) · (3600 / game duration) · (concurrency ÷ threads), by worker owner.
 */
export const gamesPerHourByUser = (machines: Iterable<Pick<MachineDocument, 'username' | 'nps' | 'concurrency' | 'run'>>): Map<string, number> => {
  const rates = new Map<string, number>();
  for (const machine of machines) {
    const rate =
      (machine.nps / GAMES_PER_HOUR_REFERENCE_NPS) *
      (3600 / estimateGameDuration(machine.run.tc)) *
      Math.floor(machine.concurrency / machine.run.threads);
    rates.set(machine.username, (rates.get(machine.username) ?? 0) + rate);
  }
  return rates;
};

/** A user's all-time CPU hours, or −1 when they never contributed (upstream's `cpu_hours()` for /api/stop_run). */
export const contributorCpuHours = async (readModels: ReadModels, username: string): Promise<number> => {
  const found = await readModels.collection<ContributorDocument>(CONTRIBUTORS).get(username);
  return found?.contributed ? found.cpu_hours : -1;
};

export type ContributorSortField = 'cpu_hours' | 'games' | 'tests' | 'last_updated' | 'username';

export interface ContributorsQuery {
  /** `YYYY-MM` for one month's totals; all-time when absent. */
  month?: string;
  sort?: { field: ContributorSortField; order: SortSpec['order'] };
  skip?: number;
  limit?: number;
}

/** Users with games or tests, ranked by CPU hours by default (upstream's `/contributors` pages, 100 a page). */
export const listContributors = async (
  readModels: ReadModels,
  query: ContributorsQuery = {},
): Promise<{ contributors: (ContributorDocument | MonthlyContributorDocument)[]; total: number }> => {
  const sort = query.sort ?? { field: 'cpu_hours', order: 'desc' };
  const page = { sort, skip: query.skip ?? 0, limit: query.limit ?? 100 };
  if (query.month !== undefined) {
    const monthly = readModels.collection<MonthlyContributorDocument>(CONTRIBUTORS_MONTHLY);
    const where = { month: query.month };
    const [contributors, total] = await Promise.all([monthly.find({ where, ...page }), monthly.count({ where })]);
    return { contributors, total };
  }
  const allTime = readModels.collection<ContributorDocument>(CONTRIBUTORS);
  const where = { contributed: true };
  const [contributors, total] = await Promise.all([allTime.find({ where, ...page }), allTime.count({ where })]);
  return { contributors, total };
};
