import { isCompiler } from '../../shared/constants.js';
import { isTimeControl } from '../../shared/time-control.js';
import { compileArchFilter } from '../../scheduling/arch-filter.js';
import type { RunArgs } from '../args.js';
import { GITHUB_REPO_PATTERN } from './repository.js';

/*
 * The parts of upstream's `runs_schema` that constrain `args` of a new run. Upstream checks the
 * whole document before storing it and refuses the run with "The new run object does not
 * validate: …"; the wording after the colon is ours (upstream's comes from its schema library).
 */

const NET_NAME = /^nn-[a-f0-9]{12}.nnue$/;
const SHA = /^[a-f0-9]{40}$/;
const STRICTLY_POSITIVE_INT_TEXT = /^[1-9]\d*$/;
const BOOK = /^(.*\.epd|.*\.pgn)$/s;
const OPTION_LIST = /^(|([^\s=]+=[^\s=]+ )*[^\s=]+=[^\s=]+)$/;
const OBJECT_ID = /^[a-f0-9]{24}$/;

const isUint = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;
const isFiniteNumber = (value: number): boolean => typeof value === 'number' && Number.isFinite(value);
const isAscii = (text: string): boolean => [...text].every((character) => character.charCodeAt(0) < 128);

const uniqueNets = (nets: readonly string[]): boolean => nets.every(isNetName) && new Set(nets).size === nets.length;
const isNetName = (name: string): boolean => NET_NAME.test(name);

/** The first broken constraint, or undefined when `args` fits the schema. */
export const checkRunArgsSchema = (args: RunArgs, rescheduledFrom?: string): string | undefined => {
  const checks: [boolean, string][] = [
    [rescheduledFrom === undefined || rescheduledFrom === '' || OBJECT_ID.test(rescheduledFrom), 'rescheduled_from is not a run id'],
    [uniqueNets(args.base_nets), "args['base_nets'] must be unique net names"],
    [uniqueNets(args.new_nets), "args['new_nets'] must be unique net names"],
    [isUint(args.num_games) && args.num_games % 2 === 0, "args['num_games'] must be an even non-negative integer"],
    [isTimeControl(args.tc), "args['tc'] is not a time control"],
    [isTimeControl(args.new_tc), "args['new_tc'] is not a time control"],
    [BOOK.test(args.book), "args['book'] must be an .epd or .pgn file"],
    [STRICTLY_POSITIVE_INT_TEXT.test(args.book_depth), "args['book_depth'] must be a positive integer"],
    [Number.isSafeInteger(args.threads) && args.threads > 0, "args['threads'] must be a positive integer"],
    [SHA.test(args.resolved_base), "args['resolved_base'] is not a commit sha"],
    [SHA.test(args.resolved_new), "args['resolved_new'] is not a commit sha"],
    [isAscii(args.base_options) && OPTION_LIST.test(args.base_options), "args['base_options'] is not an option list"],
    [isAscii(args.new_options) && OPTION_LIST.test(args.new_options), "args['new_options'] is not an option list"],
    [STRICTLY_POSITIVE_INT_TEXT.test(args.base_signature), "args['base_signature'] must be a positive integer"],
    [STRICTLY_POSITIVE_INT_TEXT.test(args.new_signature), "args['new_signature'] must be a positive integer"],
    [GITHUB_REPO_PATTERN.test(args.tests_repo), "args['tests_repo'] is not a GitHub repository"],
    [args.master_repo === undefined || GITHUB_REPO_PATTERN.test(args.master_repo), "args['master_repo'] is not a GitHub repository"],
    [isFiniteNumber(args.throughput) && args.throughput >= 0, "args['throughput'] must be >= 0"],
    [isFiniteNumber(args.itp) && args.itp >= 0, "args['itp'] must be >= 0"],
    [isFiniteNumber(args.priority), "args['priority'] must be a number"],
    [args.arch_filter === undefined || compileArchFilter(args.arch_filter).ok, "args['arch_filter'] is not a regular expression"],
    [args.compiler === undefined || isCompiler(args.compiler), "args['compiler'] is not a supported compiler"],
    [!(args.sprt !== undefined && args.spsa !== undefined), "args can't have both 'sprt' and 'spsa'"],
  ];
  for (const [ok, problem] of checks) if (!ok) return problem;
  if (args.sprt !== undefined) {
    const sprt = args.sprt;
    if (sprt.elo_model !== 'normalized') return "args['sprt']['elo_model'] must be 'normalized'";
    if (sprt.alpha !== 0.05 || sprt.beta !== 0.05) return "args['sprt'] alpha and beta must be 0.05";
    if (!isFiniteNumber(sprt.elo0) || !isFiniteNumber(sprt.elo1)) return "args['sprt'] bounds must be numbers";
    if (!(Number.isSafeInteger(sprt.batch_size) && sprt.batch_size > 0)) return "args['sprt']['batch_size'] must be a positive integer";
  }
  if (args.spsa !== undefined) {
    for (const param of args.spsa.params) {
      if (!(param.c_end > 0 && param.c > 0)) return `args['spsa'] param ${param.name}: c must be > 0`;
      if (!(param.r_end >= 0 && param.a_end >= 0 && param.a >= 0)) return `args['spsa'] param ${param.name}: r and a must be >= 0`;
      if (![param.start, param.min, param.max, param.theta].every(isFiniteNumber)) {
        return `args['spsa'] param ${param.name}: values must be finite numbers`;
      }
    }
  }
  return undefined;
};
