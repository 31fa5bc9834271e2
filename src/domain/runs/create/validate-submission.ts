import { LIMITS, SUPPORTED_ARCHES, type Compiler } from '../../shared/constants.js';
import { isTimeControl, sprtBatchSizePairs, tcRatio } from '../../shared/time-control.js';
import type { ArchMatcher } from '../../scheduling/arch-filter.js';
import { compileArchFilter } from '../../scheduling/arch-filter.js';
import { buildSpsaState, requireParams } from '../adapters/spsa.js';
import { newSprt } from '../adapters/stats.js';
import type { EloModel, RunArgs, SprtState, SpsaState } from '../args.js';
import { sanitizeOptions } from './engine-options.js';
import { pythonFloat, pythonInt } from './python-numbers.js';
import { canonicalizeRepoUrl, OFFICIAL_REPO } from './repository.js';
import { checkRunArgsSchema } from './run-args-schema.js';
import type { RunSubmission, SubmissionFacts } from './submission.js';

export type SubmissionCheck =
  | { readonly ok: true; readonly args: RunArgs; readonly rescheduledFrom?: string; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

class SubmissionError extends Error {}

const fail = (message: string): never => {
  throw new SubmissionError(message);
};

/** The "Bench: 1234567" line of a commit message (5 to 8 digits, the first one non-zero). */
const BENCH_PATTERN = /(^|\s)[Bb]ench[ :]+([1-9]\d{5,7})(?!\d)/;

/** Users registered from this date on must fork the official repository. */
const STRICT_FORK_RULE_FROM = Date.UTC(2025, 6, 1);

const ELO_MODELS: readonly string[] = ['BayesElo', 'logistic', 'normalized'];

/** Upstream's `strip_message`: the commit message without its last bench mention, whitespace collapsed. */
export const stripCommitMessage = (message: string): string => {
  const lines = message.trim().split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    const stripped = line.replace(new RegExp(BENCH_PATTERN.source, 'g'), '');
    if (stripped !== line) {
      lines[index] = stripped;
      break;
    }
  }
  return lines
    .join('\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n+/g, '\n')
    .replace(/\s+$/, '');
};

/** The bench number of the last line of the message that has one. */
export const benchFromCommitMessage = (message: string): string | undefined => {
  const lines = message.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const match = BENCH_PATTERN.exec(lines[index] ?? '');
    if (match) return match[2];
  }
  return undefined;
};

const validateNumGames = (raw: string | number): number => {
  const parsed = pythonInt(raw);
  if (!parsed.ok) return fail(parsed.message);
  if (parsed.value < LIMITS.createNumGamesMin) fail(`Number of games must be >= ${LIMITS.createNumGamesMin}`);
  if (parsed.value % LIMITS.createNumGamesStep !== 0) fail(`Number of games must be a multiple of ${LIMITS.createNumGamesStep}`);
  return parsed.value;
};

const toInt = (raw: string | number): number => {
  const parsed = pythonInt(raw);
  return parsed.ok ? parsed.value : fail(parsed.message);
};

const toFloat = (raw: string | number): number => {
  const parsed = pythonFloat(raw);
  return parsed.ok ? parsed.value : fail(parsed.message);
};

/**
 * Upstream `validate_form` followed by the run schema, as one pure check: the same steps in
 * the same order, so the first problem reported is the one upstream reports.
 */
export const validateSubmission = (
  submission: RunSubmission,
  facts: SubmissionFacts,
  matchArch: ArchMatcher,
): SubmissionCheck => {
  try {
    return validateInOrder(submission, facts, matchArch);
  } catch (error) {
    if (error instanceof SubmissionError) return { ok: false, message: error.message };
    throw error;
  }
};

const validateInOrder = (submission: RunSubmission, facts: SubmissionFacts, matchArch: ArchMatcher): SubmissionCheck => {
  const warnings: string[] = [];
  const baseOptions = sanitizeOptions(submission.baseOptions);
  if (!baseOptions.ok) return fail(baseOptions.message);
  const newOptions = sanitizeOptions(submission.newOptions);
  if (!newOptions.ok) return fail(newOptions.message);

  const testsRepo = canonicalizeRepoUrl(facts.testsRepo);
  let masterRepo: string | undefined;
  if (facts.masterRepo !== undefined && facts.masterRepo !== OFFICIAL_REPO) {
    masterRepo = facts.masterRepo;
    const message =
      `It seems that your repo ${testsRepo} has been forked from ${facts.masterRepo} and not from ${OFFICIAL_REPO} ` +
      'as recommended in the wiki. As such, some functionality may be broken. ';
    if (facts.userRegisteredAt >= STRICT_FORK_RULE_FROM) {
      fail(`${message} Please replace your repo with one forked from the official Stockfish repo!`);
    }
    warnings.push(`${message} Please consider replacing your repo with one forked from the official Stockfish repo!`);
  }

  const tc = submission.tc;
  const newTc = submission.odds ? submission.newTc : submission.tc;
  const compiler = submission.useCompiler ? submission.compiler : undefined;
  const archFilter = submission.useArchFilter && submission.archFilter !== '' ? submission.archFilter : undefined;

  if (archFilter !== undefined) {
    const compiled = compileArchFilter(archFilter);
    if (!compiled.ok) fail(`Invalid arch filter: ${compiled.message}`);
    if (!SUPPORTED_ARCHES.some((arch) => matchArch(archFilter, arch).kind === 'match')) {
      fail(`filter ${archFilter} has no compatible arches`);
    }
  }

  if (!isTimeControl(tc)) fail(`data['tc'] is not a valid time control: ${tc}`);
  if (!isTimeControl(newTc)) fail(`data['new_tc'] is not a valid time control: ${newTc}`);

  let newSignature = submission.newSignature;
  let info = submission.info;
  if (newSignature.length === 0 || info.length === 0) {
    const commitMessage = facts.newTagCommitMessage;
    if (commitMessage === undefined || commitMessage === null) {
      fail(`Cannot find branch ${submission.newTag} in developer repository`);
    } else {
      if (newSignature.length === 0) {
        newSignature = benchFromCommitMessage(commitMessage) ?? fail('This commit has no signature: please supply it manually.');
      }
      if (info.length === 0) info = stripCommitMessage(commitMessage);
    }
  }

  const isSpsa = submission.stopRule === 'spsa';
  const baseSignature = isSpsa ? newSignature : submission.baseSignature;

  // Every value taken from the form must be non-empty, in upstream's key order.
  const required: [string, string | undefined][] = [
    ['base_tag', submission.baseTag],
    ['new_tag', submission.newTag],
    ['tc', tc],
    ['new_tc', newTc],
    ['book', submission.book],
    ['book_depth', submission.bookDepth],
    ['base_signature', baseSignature],
    ['new_signature', newSignature],
    ['base_options', baseOptions.options],
    ['new_options', newOptions.options],
    ['username', submission.username],
    ['tests_repo', testsRepo],
    ['info', info],
    ['arch_filter', archFilter],
    ['compiler', compiler],
    ['master_repo', masterRepo],
  ];
  for (const [key, value] of required) {
    if (value !== undefined && value.length === 0) fail(`Missing required option: ${key}`);
  }

  let resolvedBase: string;
  let resolvedNew: string;
  let msgBase: string;
  let msgNew: string;
  if (submission.reschedule !== undefined) {
    ({ resolvedBase, resolvedNew, msgBase, msgNew } = submission.reschedule);
  } else {
    resolvedBase = facts.resolvedBase?.sha ?? '';
    msgBase = facts.resolvedBase?.message ?? '';
    resolvedNew = facts.resolvedNew?.sha ?? '';
    msgNew = facts.resolvedNew?.message ?? '';
  }
  if (resolvedBase.length === 0 || resolvedNew.length === 0) fail('Unable to find branch!');

  if (submission.baseTag === 'master' && facts.masterBench !== undefined && facts.masterBench !== null) {
    if (facts.masterBench !== baseSignature) {
      fail('Bench signature of Base master does not match, please "git pull upstream master" !');
    }
  }

  if (facts.missingNets.length > 0) {
    fail(`Missing net(s). Please upload to: ${facts.hostUrl} the following net(s): ${facts.missingNets.join(', ')}`);
  }

  const threads = toInt(submission.threads);
  const priority = toInt(submission.priority);
  const throughput = toInt(submission.throughput);
  if (threads <= 0) fail('Threads must be >= 1');
  // A time control of zero seconds has no game duration: upstream's form fails dividing by it.
  if (!(tcRatio(tc, threads) > 0)) fail(`data['tc'] is not a valid time control: ${tc}`);

  let numGames: number;
  let sprt: SprtState | undefined;
  let spsa: SpsaState | undefined;
  if (submission.stopRule === 'sprt') {
    const batchSize = sprtBatchSizePairs(tc, threads);
    if (!ELO_MODELS.includes(submission.eloModel)) fail('Unknown Elo model');
    sprt = newSprt({
      elo0: toFloat(submission.sprtElo0),
      elo1: toFloat(submission.sprtElo1),
      eloModel: submission.eloModel as EloModel,
      batchSize,
    });
    numGames = LIMITS.sprtNumGames;
  } else if (isSpsa) {
    numGames = validateNumGames(submission.numGames);
    const built = buildSpsaState(submission.spsa, numGames);
    if (!built.ok) return fail(built.message);
    const withParams = requireParams(built.spsa);
    if (!withParams.ok) return fail(withParams.message);
    spsa = withParams.spsa;
  } else {
    numGames = validateNumGames(submission.numGames);
  }
  if (numGames > LIMITS.maxNumGames) fail(`Number of games must be <= ${LIMITS.maxNumGames}`);

  // Upstream prefixes the info of SPRT runs longer than SMP-STC.
  if (sprt !== undefined && tcRatio(tc, threads) > 4) info = `LTC: ${info}`;

  const args: RunArgs = {
    base_tag: submission.baseTag,
    new_tag: submission.newTag,
    base_nets: [...facts.baseNets],
    new_nets: [...facts.newNets],
    num_games: numGames,
    tc,
    new_tc: newTc,
    book: submission.book,
    book_depth: submission.bookDepth,
    threads,
    resolved_base: resolvedBase,
    resolved_new: resolvedNew,
    msg_base: msgBase,
    msg_new: msgNew,
    base_options: baseOptions.options,
    new_options: newOptions.options,
    info,
    base_signature: baseSignature,
    new_signature: newSignature,
    username: submission.username,
    tests_repo: testsRepo,
    ...(masterRepo !== undefined ? { master_repo: canonicalizeRepoUrl(masterRepo) } : {}),
    auto_purge: submission.autoPurge,
    throughput,
    itp: 100,
    priority,
    adjudication: !submission.disableAdjudication,
    ...(archFilter !== undefined ? { arch_filter: archFilter } : {}),
    // An unsupported compiler name is refused by the schema check below.
    ...(compiler !== undefined ? { compiler: compiler as Compiler } : {}),
    ...(sprt !== undefined ? { sprt } : {}),
    ...(spsa !== undefined ? { spsa } : {}),
  };

  const schemaProblem = checkRunArgsSchema(args, submission.rescheduledFrom);
  if (schemaProblem !== undefined) fail(`The new run object does not validate: ${schemaProblem}`);

  return {
    ok: true,
    args,
    ...(submission.rescheduledFrom ? { rescheduledFrom: submission.rescheduledFrom } : {}),
    warnings,
  };
};
