import type { RunEvent } from '../../domain/runs/events.js';
import { countGames } from '../../domain/shared/results.js';
import { estimateGameDuration } from '../../domain/shared/time-control.js';
import type { Doc } from '../../stores/documents/port.js';
import type { RecordedEvent } from '../../stores/events/port.js';
import type { CurrentDoc, DocChange, DocKey, Projection } from '../projection.js';
import {
  ACTIVE_TASK_EVENT_TYPES,
  activeTaskDoc,
  asRunEvent,
  eventTime,
  endedTaskChanges,
  ownTaskIdsOf,
  taskDocId,
} from '../runs/runEventFacts.js';

export const CONTRIBUTORS = 'contributors';
export const CONTRIBUTORS_MONTHLY = 'contributorsMonthly';
/** Per run: owner, time control and threads. */
export const CONTRIBUTOR_RUNS = 'contributorRuns';
/** Per active task: the user behind its worker. */
export const CONTRIBUTOR_TASKS = 'contributorTasks';

/** A user's totals (upstream `user_cache` / `top_month` fields, minus games_per_hour, which is live). */
export interface ContributionTotals {
  username: string;
  games: number;
  tests: number;
  cpu_hours: number;
  /** Time of the user's last reported games; null before any. */
  last_updated: string | null;
  /** Repository of the user's latest run ("" before any). */
  tests_repo: string;
  /** Derived: games > 0 or tests > 0 (upstream lists only those). */
  contributed: boolean;
}

export interface ContributorDocument extends Doc, ContributionTotals {
  _id: string;
  /** Set once the user registered (user-<name> streams). */
  registered_at?: string;
}

export interface MonthlyContributorDocument extends Doc, ContributionTotals {
  _id: string;
  /** UTC calendar month, `YYYY-MM`. */
  month: string;
}

export interface ContributorRunDocument extends Doc {
  _id: string;
  owner: string;
  tc: string;
  threads: number;
  /** The run's count of run-wide stops (see `generationAfter`). */
  generation: number;
}

/** Per active task (`<runId>-<taskId>`): whose worker plays it, for the updates that do not repeat it. */
export interface ContributorTaskDocument extends Doc {
  _id: string;
  username: string;
  /** The run's generation when the task was assigned; an older one means a run-wide stop ended it. */
  generation: number;
}

export const monthOf = (iso: string): string => new Date(iso).toISOString().slice(0, 7);
export const monthlyId = (month: string, username: string): string => `${month}:${username}`;

/** CPU hours of `games` games of a run: games · threads · expected game duration (upstream `process_run`). */
export const cpuHoursOf = (games: number, tc: string, threads: number): number =>
  (games * threads * estimateGameDuration(tc)) / 3600;

const emptyTotals = (username: string): ContributionTotals => ({
  username,
  games: 0,
  tests: 0,
  cpu_hours: 0,
  last_updated: null,
  tests_repo: '',
  contributed: false,
});

interface Contribution {
  games: number;
  tests: number;
  cpuHours: number;
  at?: string;
  testsRepo?: string;
}

const addTo = <T extends ContributionTotals>(totals: T, add: Contribution): T => {
  const games = totals.games + add.games;
  const tests = totals.tests + add.tests;
  const lastUpdated =
    add.at === undefined || (totals.last_updated !== null && totals.last_updated >= add.at) ? totals.last_updated : add.at;
  return {
    ...totals,
    games,
    tests,
    cpu_hours: totals.cpu_hours + add.cpuHours,
    last_updated: lastUpdated,
    tests_repo: add.testsRepo ?? totals.tests_repo,
    contributed: games > 0 || tests > 0,
  };
};

const runKey = (runId: string): DocKey => ({ collection: CONTRIBUTOR_RUNS, id: runId });
const taskKey = (runId: string, taskId: number): DocKey => ({ collection: CONTRIBUTOR_TASKS, id: taskDocId(runId, taskId) });

/** An update that does not repeat its worker's info is credited to the user the assignment named. */
const needsTaskUser = (event: RunEvent): event is Extract<RunEvent, { type: 'TaskResultsReported' }> =>
  event.type === 'TaskResultsReported' && event.data.workerInfo === undefined;

/** The user behind the task the update names, while that task is still active. */
const taskUser = (event: RunEvent, read: CurrentDoc): string | null => {
  if (!needsTaskUser(event)) return null;
  const run = read(CONTRIBUTOR_RUNS, event.data.runId) as ContributorRunDocument | null;
  return activeTaskDoc<ContributorTaskDocument>(run, CONTRIBUTOR_TASKS, event.data.taskId, read)?.username ?? null;
};

/** Whose contribution the event is, when it credits anybody. */
const creditedUser = (event: RunEvent, read: CurrentDoc): string | null => {
  if (event.type === 'RunCreated') return event.data.args.username;
  if (event.type === 'TaskResultsReported') return event.data.workerInfo?.username ?? taskUser(event, read);
  return null;
};

const userKeys = (username: string, at: string): DocKey[] => [
  { collection: CONTRIBUTORS, id: username },
  { collection: CONTRIBUTORS_MONTHLY, id: monthlyId(monthOf(at), username) },
];

const registeredUser = (event: RecordedEvent): string | null => {
  if (event.type !== 'UserRegistered') return null;
  const username = (event.data as { username?: unknown } | null)?.username;
  return typeof username === 'string' ? username : null;
};

/** The run's and its tasks' bookkeeping after the event: whose worker plays which active task. */
const bookkeeping = (event: RunEvent, run: ContributorRunDocument | null, current: CurrentDoc): DocChange[] => {
  const { runId } = event.data;
  if (event.type === 'RunCreated') {
    const { username, tc, threads } = event.data.args;
    return [{ collection: CONTRIBUTOR_RUNS, id: runId, doc: { _id: runId, owner: username, tc, threads, generation: 0 } }];
  }
  if (!run) return [];
  if (event.type === 'TaskAssigned') {
    const id = taskDocId(runId, event.data.taskId);
    const doc: ContributorTaskDocument = { _id: id, username: event.data.workerInfo.username, generation: run.generation };
    return [{ collection: CONTRIBUTOR_TASKS, id, doc }];
  }
  return endedTaskChanges(event, run, { runs: CONTRIBUTOR_RUNS, tasks: CONTRIBUTOR_TASKS }, current);
};

/**
 * Contributor statistics kept up to date event by event, instead of upstream's batch job: per
 * user, all-time and per UTC calendar month, the games their workers played, the CPU hours those
 * games took, the tests they submitted and when they last played.
 */
export const contributorsProjection: Projection = {
  name: 'contributors',
  version: 2,
  collections: {
    [CONTRIBUTORS]: {
      indexes: ['username', 'cpu_hours', 'games', 'tests', 'last_updated', 'contributed'],
      textFields: ['username'],
    },
    [CONTRIBUTORS_MONTHLY]: {
      indexes: ['month', 'username', 'cpu_hours', 'games', 'tests', 'last_updated'],
      textFields: ['username'],
    },
    [CONTRIBUTOR_RUNS]: { indexes: [] },
    [CONTRIBUTOR_TASKS]: { indexes: [] },
  },
  eventTypes: [...ACTIVE_TASK_EVENT_TYPES, 'UserRegistered'],
  // An update without its worker's info is credited to the user its task's assignment named.
  lookups: (event) => {
    const run = asRunEvent(event);
    return run && needsTaskUser(run) ? [runKey(run.data.runId), taskKey(run.data.runId, run.data.taskId)] : [];
  },
  keys: (event, lookup) => {
    const registered = registeredUser(event);
    if (registered !== null) return [{ collection: CONTRIBUTORS, id: registered }];
    const run = asRunEvent(event);
    if (!run) return [];
    const { runId } = run.data;
    const user = creditedUser(run, lookup);
    return [
      runKey(runId),
      ...ownTaskIdsOf(run).map((taskId) => taskKey(runId, taskId)),
      ...(user === null ? [] : userKeys(user, eventTime(event))),
    ];
  },
  project: (event, current) => {
    const registered = registeredUser(event);
    if (registered !== null) {
      const previous = current(CONTRIBUTORS, registered) as ContributorDocument | null;
      const doc: ContributorDocument = {
        ...(previous ?? { _id: registered, ...emptyTotals(registered) }),
        registered_at: eventTime(event),
      };
      return [{ collection: CONTRIBUTORS, id: registered, doc }];
    }
    const run = asRunEvent(event);
    if (!run) return [];
    const runDoc = current(CONTRIBUTOR_RUNS, run.data.runId) as ContributorRunDocument | null;
    const changes: DocChange[] = [];
    const user = creditedUser(run, current);
    const at = eventTime(event);
    let contribution: Contribution | null = null;
    if (run.type === 'RunCreated') {
      contribution = { games: 0, tests: 1, cpuHours: 0, testsRepo: run.data.args.tests_repo };
    } else if (run.type === 'TaskResultsReported' && runDoc) {
      const games = countGames(run.data.delta);
      contribution = { games, tests: 0, cpuHours: cpuHoursOf(games, runDoc.tc, runDoc.threads), at };
    }
    if (user !== null && contribution !== null) {
      const allTime = current(CONTRIBUTORS, user) as ContributorDocument | null;
      changes.push({ collection: CONTRIBUTORS, id: user, doc: addTo(allTime ?? { _id: user, ...emptyTotals(user) }, contribution) });
      const month = monthOf(at);
      const id = monthlyId(month, user);
      const monthly = current(CONTRIBUTORS_MONTHLY, id) as MonthlyContributorDocument | null;
      changes.push({
        collection: CONTRIBUTORS_MONTHLY,
        id,
        doc: addTo(monthly ?? { _id: id, month, ...emptyTotals(user) }, contribution),
      });
    }
    return [...changes, ...bookkeeping(run, runDoc, current)];
  },
};
