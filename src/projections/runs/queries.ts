import { LTC_LOWER_BOUND } from '../../domain/shared/constants.js';
import type { FieldCondition } from '../../stores/documents/port.js';
import type { ReadModels } from '../readModels.js';
import type { RunDocument } from './runDocument.js';
import { RUNS } from './runsProjection.js';

export interface FinishedRunsFilter {
  username?: string;
  /** Green runs only. */
  successOnly?: boolean;
  yellowOnly?: boolean;
  /** Base time of at least 40 s (upstream's `ltc_lower_bound`). */
  ltcOnly?: boolean;
  /** Updated at or after this ISO time. */
  updatedSince?: string;
  /** Case-insensitive substring of the branch, the description or the submitter. */
  text?: string;
}

/** Finished, not deleted runs matching the filter, most recently updated first. */
export const findFinishedRuns = async (
  readModels: ReadModels,
  filter: FinishedRunsFilter,
  page: { skip: number; limit: number },
): Promise<RunDocument[]> => {
  const where: Record<string, FieldCondition> = { finished: true, deleted: false };
  if (filter.username) where['args.username'] = filter.username;
  if (filter.successOnly) where['is_green'] = true;
  if (filter.yellowOnly) where['is_yellow'] = true;
  if (filter.ltcOnly) where['tc_base'] = { $gte: LTC_LOWER_BOUND };
  if (filter.updatedSince !== undefined) where['last_updated'] = { $gte: filter.updatedSince };
  return readModels.collection<RunDocument>(RUNS).find({
    where,
    ...(filter.text ? { text: filter.text } : {}),
    sort: { field: 'last_updated', order: 'desc' },
    ...page,
  });
};

/** Upper bound on the unfinished runs read at once (upstream reads them all; a few hundred at most). */
export const MAX_UNFINISHED_RUNS = 10_000;

export const findUnfinishedRuns = (readModels: ReadModels, username?: string): Promise<RunDocument[]> =>
  readModels.collection<RunDocument>(RUNS).find({
    where: username === undefined ? { finished: false } : { finished: false, 'args.username': username },
    sort: { field: 'start_time', order: 'asc' },
    limit: MAX_UNFINISHED_RUNS,
  });

export interface UnfinishedRunsOverview {
  /** No workers: by priority then internal throughput, ascending. */
  pending: RunDocument[];
  /** With workers: SPRT first by LLR, then fixed games, then SPSA, most games first. */
  active: RunDocument[];
  cores: number;
  nps: number;
  gamesPerMinute: number;
  machines: number;
}

const games = (run: RunDocument): number => run.results.wins + run.results.losses + run.results.draws;

/** Upstream `aggregate_unfinished_runs` (homepage and user page), without the remaining-hours estimate. */
export const unfinishedRunsOverview = async (readModels: ReadModels, username?: string): Promise<UnfinishedRunsOverview> => {
  const runs = await findUnfinishedRuns(readModels, username);
  const pending = runs
    .filter((run) => run.workers === 0)
    .sort((a, b) => a.args.priority - b.args.priority || a.args.itp - b.args.itp);
  const activeKey = (run: RunDocument): number[] => [
    run.args.sprt ? 1 : 0,
    run.args.sprt?.llr ?? 0,
    run.args.spsa ? 0 : 1,
    games(run),
  ];
  const active = runs
    .filter((run) => run.workers > 0)
    .sort((a, b) => {
      const [x, y] = [activeKey(a), activeKey(b)];
      for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0);
      return 0;
    });
  return {
    pending,
    active,
    cores: active.reduce((sum, run) => sum + run.cores, 0),
    nps: active.reduce((sum, run) => sum + run.nps, 0),
    gamesPerMinute: active.reduce((sum, run) => sum + run.games_per_minute, 0),
    machines: active.reduce((sum, run) => sum + run.workers, 0),
  };
};
