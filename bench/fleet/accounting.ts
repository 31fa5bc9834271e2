import { loadConfig } from '../../src/config/config.js';
import { createSqliteEventStore } from '../../src/stores/events/sqlite/index.js';
import { count } from './report.js';
import { sumValues, type GameLedger } from './loadStats.js';
import { benchEnvironment } from './setup.js';
import type { WalCheckpointStats } from '../../src/stores/sqlite/walCheckpointer.js';
import type { DurationStats } from '../../src/stores/sqlite/durationStats.js';

/*
 * The "zero lost updates" check: every game a virtual worker saw accepted must be in the event
 * log and in the runs read model, and nothing else may be there but games whose reply was lost
 * (timeouts, resets), which the server may or may not have applied.
 */

interface HealthBody {
  eventStore?: { walCheckpoints?: WalCheckpointStats; logSyncs?: DurationStats };
  projections?: Array<{
    name?: string;
    state?: string;
    checkpoint?: string | null;
    lag?: string;
    head?: string;
    error?: string;
    stalled?: boolean;
    retry?: { attempts?: number; error?: string };
  }>;
}

const health = async (baseUrl: string): Promise<HealthBody | undefined> => {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as HealthBody;
  } catch {
    return undefined;
  }
};

/**
 * After the fleet stopped: the server may still be answering requests whose clients gave up
 * (they were queued on the socket); waits until the log head has not moved for `quietMs`.
 */
export const waitForLogToSettle = async (baseUrl: string, quietMs: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let head: string | undefined;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = (await health(baseUrl))?.projections?.[0]?.head;
    if (now !== head) {
      head = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** What /health says of the log's gated checkpoints: how often, and how long at most, appends were held off. */
export const walCheckpointSummary = async (baseUrl: string): Promise<string> => {
  const stats = (await health(baseUrl))?.eventStore?.walCheckpoints;
  if (stats === undefined) return 'event log checkpoints: not reported';
  return (
    `event log checkpoints: ${stats.gatedPasses} passes held appends off (${stats.truncations} emptied the WAL), ` +
    `longest hold ${stats.longestHoldMs.toFixed(1)} ms`
  );
};

const lagOf = (body: HealthBody): number => Math.max(0, ...(body.projections ?? []).map((projection) => Number(projection.lag ?? 0)));

/** The largest projection lag /health reports (events), or undefined when it does not answer. */
export const projectionLag = async (baseUrl: string): Promise<number | undefined> => {
  const body = await health(baseUrl);
  return body === undefined ? undefined : lagOf(body);
};

/** What the resource monitor samples every second: the largest projection lag and the log's sync times so far. */
export const serverSample = async (baseUrl: string): Promise<{ lag: number; logSyncs?: DurationStats } | undefined> => {
  const body = await health(baseUrl);
  if (body === undefined) return undefined;
  const logSyncs = body.eventStore?.logSyncs;
  return { lag: lagOf(body), ...(logSyncs === undefined ? {} : { logSyncs }) };
};

export const waitForProjections = async (baseUrl: string, timeoutMs: number): Promise<number | undefined> => {
  const deadline = Date.now() + timeoutMs;
  let lag = await projectionLag(baseUrl);
  while (lag !== 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    lag = await projectionLag(baseUrl);
  }
  return lag;
};

/** Games per run in the runs read model (`/api/get_run/:id`), and how many runs finished. */
export const readModelGames = async (baseUrl: string, runIds: readonly string[]): Promise<{ games: Record<string, number>; finished: number }> => {
  const games: Record<string, number> = {};
  let finished = 0;
  for (const runId of runIds) {
    const response = await fetch(`${baseUrl}/api/get_run/${runId}`);
    if (!response.ok) throw new Error(`get_run ${runId}: ${response.status}`);
    const run = (await response.json()) as { results: { wins: number; losses: number; draws: number }; finished?: boolean };
    games[runId] = run.results.wins + run.results.losses + run.results.draws;
    if (run.finished === true) finished += 1;
  }
  return { games, finished };
};

/** The position the runs read model has applied, as /health reports it. */
const runsCheckpoint = async (baseUrl: string): Promise<string | undefined> =>
  (await health(baseUrl))?.projections?.find((projection) => projection.name === 'runs')?.checkpoint ?? undefined;

/**
 * The runs read model together with the log position it reflects: read between two identical
 * checkpoints, so it can be compared with the log up to exactly there even while the server still
 * appends (late calls whose clients gave up). `position` is undefined when it kept moving.
 */
export const readModelAtCheckpoint = async (
  baseUrl: string,
  runIds: readonly string[],
  attempts = 5,
): Promise<{ games: Record<string, number>; finished: number; position: bigint | undefined }> => {
  for (let attempt = 1; ; attempt++) {
    const before = await runsCheckpoint(baseUrl);
    const readModel = await readModelGames(baseUrl, runIds);
    const after = await runsCheckpoint(baseUrl);
    if (before !== undefined && before === after) return { ...readModel, position: BigInt(before) };
    if (attempt >= attempts) return { ...readModel, position: undefined };
  }
};

/**
 * Games per run as the event log has them: the deltas of every TaskResultsReported; `gamesUpTo`
 * counts only the events at or before `upTo`.
 */
export const eventLogGames = async (
  dataDir: string,
  upTo?: bigint,
): Promise<{ games: Record<string, number>; gamesUpTo: Record<string, number>; events: number }> => {
  const config = loadConfig(benchEnvironment(dataDir));
  const store = createSqliteEventStore({ path: config.eventStoreUrl.slice('sqlite:'.length), readonly: true });
  const games: Record<string, number> = {};
  const gamesUpTo: Record<string, number> = {};
  let events = 0;
  try {
    let from = 0n;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 5_000, filter: { streamPrefixes: ['run-'] } });
      if (page.length === 0) break;
      for (const event of page) {
        events += 1;
        from = event.position;
        if (event.type !== 'TaskResultsReported') continue;
        const delta = (event.data as { delta: { wins: number; losses: number; draws: number } }).delta;
        const runId = event.streamId.slice('run-'.length);
        const played = delta.wins + delta.losses + delta.draws;
        games[runId] = (games[runId] ?? 0) + played;
        if (upTo !== undefined && event.position <= upTo) gamesUpTo[runId] = (gamesUpTo[runId] ?? 0) + played;
      }
    }
  } finally {
    await store.close();
  }
  return { games, gamesUpTo, events };
};

export interface LedgerCheck {
  lines: string[];
  matches: boolean;
}

/**
 * Compares per run: held ≥ confirmed (nothing lost) and held ≤ confirmed + uncertain (nothing
 * invented). With no uncertain games both must be equal.
 */
export const checkLedger = (ledger: GameLedger, sources: Record<string, Record<string, number>>): LedgerCheck => {
  const confirmed = sumValues(ledger.confirmed);
  const uncertain = sumValues(ledger.uncertain);
  const lines = [
    `games the workers saw accepted: ${count(confirmed)} in ${count(ledger.confirmedUpdates)} updates` +
      (uncertain > 0 ? `; games sent whose reply never came: ${count(uncertain)}` : ''),
  ];
  let matches = true;
  for (const [name, held] of Object.entries(sources)) {
    const runs = new Set([...Object.keys(held), ...Object.keys(ledger.confirmed), ...Object.keys(ledger.uncertain)]);
    let lost = 0;
    let extra = 0;
    for (const run of runs) {
      const have = held[run] ?? 0;
      const sure = ledger.confirmed[run] ?? 0;
      const maybe = ledger.uncertain[run] ?? 0;
      if (have < sure) lost += sure - have;
      if (have > sure + maybe) extra += have - sure - maybe;
    }
    const ok = lost === 0 && extra === 0;
    matches &&= ok;
    lines.push(
      `${name}: ${count(sumValues(held))} games — ${ok ? 'matches' : 'DOES NOT MATCH'}` +
        (lost > 0 ? `; ${count(lost)} accepted games missing` : '') +
        (extra > 0 ? `; ${count(extra)} games nobody sent` : ''),
    );
  }
  return { lines, matches };
};

/** Runs whose game counts differ between two sources (the read model against the log). */
export const differingRuns = (a: Record<string, number>, b: Record<string, number>): number => {
  let differing = 0;
  for (const run of new Set([...Object.keys(a), ...Object.keys(b)])) if ((a[run] ?? 0) !== (b[run] ?? 0)) differing += 1;
  return differing;
};

/**
 * Projections that are not running normally: a failed one, or one stalled on a batch the read
 * store keeps refusing, leaves its read model behind.
 */
export const projectionTrouble = async (baseUrl: string): Promise<string[]> => {
  const body = await health(baseUrl);
  if (body === undefined) return ['/health did not answer'];
  return (body.projections ?? [])
    .filter((projection) => projection.state === 'failed' || (projection.error ?? '') !== '' || projection.stalled === true || projection.retry !== undefined)
    .map((projection) => {
      const retry = projection.retry === undefined ? '' : ` (batch refused ${projection.retry.attempts ?? '?'} times: ${(projection.retry.error ?? '').slice(0, 200)})`;
      return `${projection.name ?? '?'} ${projection.stalled === true ? 'stalled' : (projection.state ?? '?')}: ${(projection.error ?? '').slice(0, 200)}${retry}`;
    });
};

export interface LostUpdatesCheck {
  lines: string[];
  matches: boolean;
  finished: number;
  exitCode: number | null;
}

/**
 * The whole "zero lost updates" check once the fleet has stopped: waits for the log and the
 * projections to settle, reads the runs read model at a known position, stops the server, reads
 * the log, and compares both with what the workers saw accepted, and with each other up to that
 * position.
 */
export const checkLostUpdates = async (options: {
  baseUrl: string;
  dataDir: string;
  runIds: readonly string[];
  ledger: GameLedger;
  stopServer: () => Promise<number | null>;
}): Promise<LostUpdatesCheck> => {
  await waitForLogToSettle(options.baseUrl, 3_000, 60_000);
  const lag = await waitForProjections(options.baseUrl, 60_000);
  const trouble = await projectionTrouble(options.baseUrl);
  const readModel = await readModelAtCheckpoint(options.baseUrl, options.runIds);
  const exitCode = await options.stopServer();
  const eventLog = await eventLogGames(options.dataDir, readModel.position);
  const check = checkLedger(options.ledger, {
    [`event log (${count(eventLog.events)} run events)`]: eventLog.games,
    [`runs read model (/api/get_run, projection lag ${lag ?? '?'})`]: readModel.games,
  });
  const lines = [...check.lines, ...trouble.map((line) => `PROJECTION NOT KEEPING UP: ${line}`)];
  if (readModel.position === undefined) {
    lines.push('read model and event log run by run: not compared (the read model kept moving while it was read)');
  } else {
    const differing = differingRuns(eventLog.gamesUpTo, readModel.games);
    lines.push(
      `read model and event log up to the read model's position ${readModel.position} agree run by run: ${differing === 0 ? 'yes' : `NO (${differing} runs differ)`}`,
    );
  }
  return { lines, matches: check.matches, finished: readModel.finished, exitCode };
};
