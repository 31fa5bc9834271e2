import { attempt, type StatsFailure } from './failure.js';
import { fixedGamesElo } from './fixed-games-elo.js';
import type { GameResults, Pentanomial } from './results.js';
import { estimateSprtElo, type SprtEloEstimate } from './sprt-elo-estimate.js';
import { ELO_MODELS, type EloModel } from './sprt-state.js';

/*
 * The rules of GET /api/calc_elo: which query parameters give which estimate, and the limits.
 * Parameters arrive as the raw query strings.
 */

export const CALC_ELO_MAX_GAMES = 2 ** 32;
export const CALC_ELO_MAX_ABS_BOUND = 10;
export const CALC_ELO_MIN_BOUND_GAP = 0.5;

export const CALC_ELO_MESSAGES = {
  invalidParameters: 'Invalid or missing parameters. Please provide all values as valid numbers.',
  tooManyGames: 'Number of games exceeds the limit.',
  noGames: 'No games to calculate Elo.',
  badBounds: 'Bad elo0, and elo1 values.',
  badModel: 'Valid Elo models are: BayesElo, logistic, and normalized.',
} as const;

export type CalcEloParameters = Readonly<Partial<Record<'W' | 'D' | 'L' | 'LL' | 'LD' | 'DDWL' | 'WD' | 'WW' | 'elo0' | 'elo1' | 'elo_model', string>>>;

export interface FixedGamesEloBody {
  readonly elo: number;
  readonly ci: readonly [lower: number, upper: number];
  readonly LOS: number;
}

export type CalcEloOutcome =
  /** The JSON body to answer with. */
  | { readonly kind: 'estimate'; readonly body: FixedGamesEloBody | SprtEloEstimate }
  /** A client error (HTTP 400) with upstream's message. */
  | { readonly kind: 'rejected'; readonly message: string }
  /** Valid parameters whose numbers cannot be computed (upstream answers HTTP 500). */
  | { readonly kind: 'not-computable'; readonly failure: StatsFailure };

/** Upstream's filter: with every '.' and '-' removed, a non-empty string of digits. */
const looksNumeric = (value: string | undefined): value is string =>
  value !== undefined && /^[0-9]+$/.test(value.replaceAll('.', '').replaceAll('-', ''));

type CountGroup = { readonly kind: 'counts'; readonly counts: readonly bigint[] } | { readonly kind: 'absent' } | { readonly kind: 'unparsable' };

/**
 * Upstream checks a group of counts in order and stops at the first negative one; a value that
 * passes the digit filter but is no integer ("1.5", "--1") crashes it with HTTP 500 when reached
 * first. Here that case is 'unparsable' and answered as invalid parameters.
 */
const parseCountGroup = (values: readonly (string | undefined)[]): CountGroup => {
  if (!values.every(looksNumeric)) return { kind: 'absent' };
  const counts: bigint[] = [];
  for (const value of values as readonly string[]) {
    if (!/^-?[0-9]+$/.test(value)) return { kind: 'unparsable' };
    const count = BigInt(value);
    if (count < 0n) return { kind: 'absent' };
    counts.push(count);
  }
  return { kind: 'counts', counts };
};

const parseBound = (value: string): number | undefined =>
  /^-?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(value) ? Number(value) : undefined;

const rejected = (message: string): CalcEloOutcome => ({ kind: 'rejected', message });

export const calcElo = (parameters: CalcEloParameters): CalcEloOutcome => {
  const pentanomialGroup = parseCountGroup([parameters.LL, parameters.LD, parameters.DDWL, parameters.WD, parameters.WW]);
  if (pentanomialGroup.kind === 'unparsable') return rejected(CALC_ELO_MESSAGES.invalidParameters);
  const trinomialGroup =
    pentanomialGroup.kind === 'counts' ? pentanomialGroup : parseCountGroup([parameters.W, parameters.D, parameters.L]);
  if (trinomialGroup.kind !== 'counts') return rejected(CALC_ELO_MESSAGES.invalidParameters);

  let results: GameResults;
  const total = trinomialGroup.counts.reduce((sum, count) => sum + count, 0n);
  if (pentanomialGroup.kind === 'counts') {
    if (total * 2n > BigInt(CALC_ELO_MAX_GAMES)) return rejected(CALC_ELO_MESSAGES.tooManyGames);
    if (total === 0n) return rejected(CALC_ELO_MESSAGES.noGames);
    const pentanomial = pentanomialGroup.counts.map(Number) as unknown as Pentanomial;
    results = { wins: 0, losses: 0, draws: 0, pentanomial };
  } else {
    if (total > BigInt(CALC_ELO_MAX_GAMES)) return rejected(CALC_ELO_MESSAGES.tooManyGames);
    if (total === 0n) return rejected(CALC_ELO_MESSAGES.noGames);
    const [wins = 0, draws = 0, losses = 0] = trinomialGroup.counts.map(Number);
    results = { wins, draws, losses };
  }

  const elo0Text = parameters.elo0 ?? '';
  const elo1Text = parameters.elo1 ?? '';
  if (elo0Text === '' || elo1Text === '') {
    const computed = attempt(() => fixedGamesElo(results.pentanomial ?? [results.losses, results.draws, results.wins]));
    if (!computed.ok) return { kind: 'not-computable', failure: computed.failure };
    const { elo, elo95, los } = computed.value;
    return { kind: 'estimate', body: { elo, ci: [elo - elo95, elo + elo95], LOS: los } };
  }

  const elo0 = looksNumeric(elo0Text) ? parseBound(elo0Text) : undefined;
  const elo1 = looksNumeric(elo1Text) ? parseBound(elo1Text) : undefined;
  if (
    elo0 === undefined ||
    elo1 === undefined ||
    elo1 < elo0 + CALC_ELO_MIN_BOUND_GAP ||
    Math.abs(elo0) > CALC_ELO_MAX_ABS_BOUND ||
    Math.abs(elo1) > CALC_ELO_MAX_ABS_BOUND
  ) {
    return rejected(CALC_ELO_MESSAGES.badBounds);
  }

  const eloModel = parameters.elo_model ?? 'normalized';
  if (!(ELO_MODELS as readonly string[]).includes(eloModel)) return rejected(CALC_ELO_MESSAGES.badModel);

  const computed = attempt(() => estimateSprtElo(results, { alpha: 0.05, beta: 0.05, elo0, elo1, eloModel: eloModel as EloModel }));
  return computed.ok ? { kind: 'estimate', body: computed.value } : { kind: 'not-computable', failure: computed.failure };
};
