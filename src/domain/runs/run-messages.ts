import { hashOption } from './create/engine-options.js';
import { fixedGamesElo, sprtEloEstimate } from './adapters/stats.js';
import type { EloModel, RunArgs } from './args.js';
import { formatFixed, formatIntList, formatPercent } from '../shared/python-format.js';
import { LTC_LOWER_BOUND, PROGRESSION_TEST } from '../shared/constants.js';
import type { Results } from '../shared/results.js';

const BOUND_BRACKETS: Record<EloModel, readonly [string, string]> = {
  BayesElo: ['[', ']'],
  logistic: ['{', '}'],
  normalized: ['<', '>'],
};

/** SPRT bounds as upstream prints them: `<0.00,2.00>` (normalized), `{…}` logistic, `[…]` BayesElo. */
export const formatBounds = (model: EloModel, elo0: number, elo1: number): string => {
  const [open, close] = BOUND_BRACKETS[model];
  return `${open}${formatFixed(elo0, 2)},${formatFixed(elo1, 2)}${close}`;
};

/** Audit text of a new run: "SPRT<0.00,2.00> TC:10+0.1 Book:… Threads:1 Hash:16/16". */
export const newRunMessage = (args: RunArgs, tcBase: number): string => {
  let text: string;
  if (args.sprt !== undefined) text = `SPRT${formatBounds(args.sprt.elo_model, args.sprt.elo0, args.sprt.elo1)}`;
  else if (args.spsa !== undefined) text = `SPSA[${args.num_games}]`;
  else {
    text = `NumGames[${args.num_games}]`;
    if (args.resolved_base === PROGRESSION_TEST.branch) text += `(PT:${PROGRESSION_TEST.version})`;
  }
  text += ` TC:${args.tc}`;
  if (args.new_tc !== args.tc) text += `[${args.new_tc}]`;
  if (tcBase >= LTC_LOWER_BOUND) text += '(LTC)';
  text += ` Book:${args.book}`;
  text += ` Threads:${args.threads}`;
  if (args.threads > 1) text += '(SMP)';
  text += ` Hash:${hashOption(args.base_options)}/${hashOption(args.new_options)}`;
  return text;
};

/**
 * Audit text of a naturally finished run:
 * "Result:accepted Elo:1.23[0.10,2.40] LOS:98% Games:1234 Ptnml:[1,2,3,4,5]"; SPSA runs
 * say "SPSA tune finished". A statistic that cannot be computed prints as nan.
 */
export const finishedRunMessage = (args: RunArgs, results: Results, isGreen: boolean): string => {
  if (args.spsa !== undefined) return 'SPSA tune finished';
  let text: string;
  if (args.sprt !== undefined) {
    const estimate = sprtEloEstimate(results, args.sprt);
    const { elo, ci, LOS } = estimate.ok ? estimate.value : { elo: NaN, ci: [NaN, NaN] as const, LOS: NaN };
    text = `Result:${args.sprt.state}`;
    text += ` Elo:${formatFixed(elo, 2)}[${formatFixed(ci[0], 2)},${formatFixed(ci[1], 2)}]`;
    text += ` LOS:${formatPercent(LOS, 0)}`;
  } else {
    const estimate = fixedGamesElo(results.pentanomial);
    const { elo, elo95, los } = estimate.ok ? estimate.value : { elo: NaN, elo95: NaN, los: NaN };
    text = `Result:${isGreen ? 'accepted' : 'rejected'}`;
    text += ` Elo:${formatFixed(elo, 2)}[${formatFixed(elo - elo95, 2)},${formatFixed(elo + elo95, 2)}]`;
    text += ` LOS:${formatPercent(los, 0)}`;
  }
  const pentanomial = results.pentanomial;
  const games = 2 * pentanomial.reduce((total, count) => total + count, 0);
  return `${text} Games:${games} Ptnml:${formatIntList(pentanomial)}`;
};
