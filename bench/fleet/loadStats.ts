import { createHistogram, merge, record, type Histogram } from './histogram.js';

/** What the load generator saw for one endpoint during one phase. */
export interface EndpointStats {
  calls: number;
  latency: Histogram;
  /** No HTTP reply: refused, reset, closed early, or the 30 s timeout. */
  transportErrors: number;
  /** Never sent: the load generator had no file descriptor or local port left (its limit, not the server's). */
  localErrors: number;
  /** A reply the worker cannot use: status ≥ 500, not a JSON object, or no numeric `duration`. */
  serverErrors: number;
  /** 400/401 replies (the request was refused). */
  rejected: number;
  /** 200 replies with an `error` inside (a task stopped, a blocked worker, a machine limit…). */
  softErrors: number;
  /** request_task: "the server is currently too busy". */
  tooBusy: number;
  /** request_task: no run needs this worker. */
  noTask: number;
}

export const createEndpointStats = (): EndpointStats => ({
  calls: 0,
  latency: createHistogram(),
  transportErrors: 0,
  localErrors: 0,
  serverErrors: 0,
  rejected: 0,
  softErrors: 0,
  tooBusy: 0,
  noTask: 0,
});

export const mergeEndpointStats = (into: EndpointStats, from: EndpointStats): void => {
  into.calls += from.calls;
  merge(into.latency, from.latency);
  into.transportErrors += from.transportErrors;
  into.localErrors += from.localErrors;
  into.serverErrors += from.serverErrors;
  into.rejected += from.rejected;
  into.softErrors += from.softErrors;
  into.tooBusy += from.tooBusy;
  into.noTask += from.noTask;
};

export const errorsOf = (stats: EndpointStats): number => stats.transportErrors + stats.serverErrors + stats.rejected;

/** endpoint → stats, per phase name. */
export type PhaseStats = Record<string, Record<string, EndpointStats>>;

export const statsFor = (phases: PhaseStats, phase: string, endpoint: string): EndpointStats => {
  const byEndpoint = (phases[phase] ??= {});
  return (byEndpoint[endpoint] ??= createEndpointStats());
};

export const mergePhaseStats = (into: PhaseStats, from: PhaseStats): void => {
  for (const [phase, endpoints] of Object.entries(from)) {
    for (const [endpoint, stats] of Object.entries(endpoints)) mergeEndpointStats(statsFor(into, phase, endpoint), stats);
  }
};

/** Games per run: the cumulative results the server confirmed, and those whose fate is unknown. */
export interface GameLedger {
  confirmed: Record<string, number>;
  /** Sent, but the reply never came (timeout, reset, server fault): the server may or may not hold them. */
  uncertain: Record<string, number>;
  confirmedUpdates: number;
}

export const createLedger = (): GameLedger => ({ confirmed: {}, uncertain: {}, confirmedUpdates: 0 });

export const mergeLedger = (into: GameLedger, from: GameLedger): void => {
  for (const [run, games] of Object.entries(from.confirmed)) into.confirmed[run] = (into.confirmed[run] ?? 0) + games;
  for (const [run, games] of Object.entries(from.uncertain)) into.uncertain[run] = (into.uncertain[run] ?? 0) + games;
  into.confirmedUpdates += from.confirmedUpdates;
};

export const sumValues = (record: Record<string, number>): number => Object.values(record).reduce((sum, value) => sum + value, 0);

/** Time from a worker's start to its first task, per cohort (the initial fleet, the burst). */
export type JoinStats = Record<string, { joined: number; gotTask: number; timeToTask: Histogram }>;

export const joinStatsFor = (joins: JoinStats, cohort: string) =>
  (joins[cohort] ??= { joined: 0, gotTask: 0, timeToTask: createHistogram() });

export const mergeJoinStats = (into: JoinStats, from: JoinStats): void => {
  for (const [cohort, stats] of Object.entries(from)) {
    const target = joinStatsFor(into, cohort);
    target.joined += stats.joined;
    target.gotTask += stats.gotTask;
    merge(target.timeToTask, stats.timeToTask);
  }
};

export { record };
