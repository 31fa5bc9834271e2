import { describe, expect, it } from 'vitest';
import type { RunSubmission, SubmissionFacts } from '../../../src/domain/runs/create/submission.js';
import type { RunCommand } from '../../../src/domain/runs/commands.js';
import { newRunMessage } from '../../../src/domain/runs/run-messages.js';
import { canonicalizeRepoUrl } from '../../../src/domain/runs/create/repository.js';
import { sanitizeOptions } from '../../../src/domain/runs/create/engine-options.js';
import { stripCommitMessage, benchFromCommitMessage } from '../../../src/domain/runs/create/validate-submission.js';
import type { RunArgs } from '../../../src/domain/runs/args.js';
import { at, baseArgs, context, created, RUN_ID, spec, T0 } from './fixtures.js';
import { submission as sharedSubmission, submissionFacts } from '../../support/runSubmission.js';

// The shared fixture, with the values these cases were written against.
const submission = (overrides: Partial<RunSubmission> = {}): RunSubmission =>
  sharedSubmission({ username: 'owner', testsRepo: 'https://github.com/owner/Stockfish/', info: 'Try something', numGames: '', ...overrides });

const facts = (overrides: Partial<SubmissionFacts> = {}): SubmissionFacts => ({
  ...submissionFacts,
  testsRepo: 'https://github.com/owner/Stockfish/',
  hostUrl: 'https://tests.stockfishchess.org',
  ...overrides,
});

const create = (s: Partial<RunSubmission> = {}, f: Partial<SubmissionFacts> = {}): RunCommand => ({
  type: 'CreateRun',
  data: { runId: RUN_ID, submission: submission(s), facts: facts(f) },
});

const createdArgs = (s: Partial<RunSubmission> = {}, f: Partial<SubmissionFacts> = {}): RunArgs => {
  const [event] = spec().when(create(s, f), context()).then((events) => expect(events).toHaveLength(1));
  if (event?.type !== 'RunCreated') throw new Error('no RunCreated');
  return event.data.args;
};

const rejectsWith = (message: string | RegExp, s: Partial<RunSubmission> = {}, f: Partial<SubmissionFacts> = {}) =>
  spec().when(create(s, f), context()).thenRejects('invalid-submission', message);

describe('run creation (POST /tests/run)', () => {
  it('records every validated argument in RunCreated, unapproved, with itp 100', () => {
    spec()
      .when(create(), context())
      .then((events, after) => {
        expect(events[0]).toMatchObject({ type: 'RunCreated', data: { runId: RUN_ID, at: at(T0), tcBase: 10 } });
        expect(after).toMatchObject({ kind: 'run', approved: false, finished: false });
      });
    const args = createdArgs();
    expect(args).toMatchObject({
      base_tag: 'master',
      new_tag: 'feature',
      tc: '10+0.1',
      new_tc: '10+0.1',
      threads: 1,
      priority: 0,
      throughput: 100,
      itp: 100,
      num_games: 800_000,
      resolved_base: 'a'.repeat(40),
      msg_new: 'New commit',
      adjudication: true,
      auto_purge: false,
    });
    expect(args.sprt).toMatchObject({ alpha: 0.05, beta: 0.05, elo0: 0, elo1: 2, elo_model: 'normalized', state: '', llr: 0 });
    expect(args.sprt?.lower_bound).toBeCloseTo(-Math.log(19), 12);
    expect(args.sprt?.upper_bound).toBeCloseTo(Math.log(19), 12);
  });

  it('refuses a second creation on the same stream', () => {
    spec(created()).when(create(), context()).thenRejects('run-exists');
  });

  describe('engine options', () => {
    it('normalises whitespace between key=value tokens', () => {
      expect(createdArgs({ baseOptions: '  Hash=16   Threads=1 ' }).base_options).toBe('Hash=16 Threads=1');
    });
    it('refuses non-ASCII options', () => {
      rejectsWith('Options must contain only ASCII characters', { newOptions: 'Hash=16 Ünicode=1' });
    });
    it('refuses tokens that are not a single key=value', () => {
      rejectsWith("Each option must be a 'key=value' pair with no extra spaces and exactly one '='", { baseOptions: 'Hash = 16' });
      expect(sanitizeOptions('a=b=c').ok).toBe(false);
    });
    it('refuses empty options (every value is required)', () => {
      rejectsWith('Missing required option: base_options', { baseOptions: '   ' });
    });
  });

  describe('tests repository', () => {
    it('is stored canonical, without a trailing slash', () => {
      expect(createdArgs().tests_repo).toBe('https://github.com/owner/Stockfish');
      expect(canonicalizeRepoUrl('https://github.com/u/r///?x=1')).toBe('https://github.com/u/r?x=1');
      expect(canonicalizeRepoUrl('https://github.com/u/r')).toBe('https://github.com/u/r');
    });
    it('warns users registered before July 2025 whose repo is not forked from the official one, and records master_repo', () => {
      spec()
        .when(create({}, { masterRepo: 'https://github.com/mcostalba/Stockfish/' }), context())
        .then((events) => {
          const event = events[0];
          if (event?.type !== 'RunCreated') throw new Error('expected RunCreated');
          expect(event.data.args.master_repo).toBe('https://github.com/mcostalba/Stockfish');
        });
    });
    it('refuses such forks for users registered on or after 2025-07-01', () => {
      rejectsWith(/has been forked from https:\/\/github.com\/mcostalba\/Stockfish\/ and not from .* Please replace your repo/, {}, {
        masterRepo: 'https://github.com/mcostalba/Stockfish/',
        userRegisteredAt: Date.UTC(2025, 6, 1),
      });
    });
    it('refuses a URL that is not a GitHub repository (run schema)', () => {
      rejectsWith(/^The new run object does not validate: args\['tests_repo'\]/, {}, { testsRepo: 'https://gitlab.com/u/r' });
    });
  });

  describe('time controls', () => {
    it('uses tc for both engines without time odds', () => {
      expect(createdArgs({ newTc: '60+0.6' }).new_tc).toBe('10+0.1');
    });
    it('keeps new_tc with time odds', () => {
      expect(createdArgs({ odds: true, newTc: '20+0.2' }).new_tc).toBe('20+0.2');
    });
    it('refuses a malformed tc', () => {
      rejectsWith(/data\['tc'\]/, { tc: '10+' });
      rejectsWith(/data\['new_tc'\]/, { odds: true, newTc: '0/10' });
    });
    it('refuses a zero time control, which has no game duration to size batches by', () => {
      for (const tc of ['0', '0+0', '0.0+0.0']) rejectsWith(/data\['tc'\] is not a valid time control/, { tc });
    });
  });

  describe('arch filter and compiler', () => {
    it('is dropped when its checkbox is off or it is empty', () => {
      expect(createdArgs({ useArchFilter: false, archFilter: 'avx2' }).arch_filter).toBeUndefined();
      expect(createdArgs({ useArchFilter: true, archFilter: '' }).arch_filter).toBeUndefined();
    });
    it('must compile as a regular expression', () => {
      rejectsWith(/^Invalid arch filter: /, { useArchFilter: true, archFilter: '(avx' });
    });
    it('must match at least one supported architecture', () => {
      rejectsWith('filter ^sparc has no compatible arches', { useArchFilter: true, archFilter: '^sparc' });
      expect(createdArgs({ useArchFilter: true, archFilter: 'avx512' }).arch_filter).toBe('avx512');
    });
    it('keeps the compiler only when its checkbox is on, and requires a value then', () => {
      expect(createdArgs({ useCompiler: false, compiler: 'clang++' }).compiler).toBeUndefined();
      expect(createdArgs({ useCompiler: true, compiler: 'clang++' }).compiler).toBe('clang++');
      rejectsWith('Missing required option: compiler', { useCompiler: true, compiler: '' });
      rejectsWith(/args\['compiler'\] is not a supported compiler/, { useCompiler: true, compiler: 'icc' });
    });
  });

  describe('signature and info from the commit', () => {
    it('takes a blank test signature from the last Bench line of the commit message', () => {
      expect(createdArgs({ newSignature: '' }, { newTagCommitMessage: 'x\nBench: 1234567\nmore\nbench 7654321' }).new_signature).toBe(
        '7654321',
      );
      expect(benchFromCommitMessage('Bench: 123')).toBeUndefined();
    });
    it('refuses a blank signature when the commit has none', () => {
      rejectsWith('This commit has no signature: please supply it manually.', { newSignature: '' }, { newTagCommitMessage: 'no bench' });
    });
    it('refuses when the new branch cannot be found', () => {
      rejectsWith('Cannot find branch feature in developer repository', { info: '' }, { newTagCommitMessage: null });
    });
    it('takes a blank info from the commit message without its bench and with collapsed whitespace', () => {
      expect(createdArgs({ info: '' }, { newTagCommitMessage: 'Fix  things\n\n\nBench: 2050812\n' }).info).toBe('Fix things');
      expect(stripCommitMessage('a\tb\nBench: 1234567 tail')).toBe('a b\n tail');
    });
    it('prefixes "LTC: " to the info of SPRT runs longer than SMP-STC', () => {
      expect(createdArgs({ tc: '60+0.6' }).info).toBe('LTC: Try something');
      expect(createdArgs({ tc: '5+0.05', threads: '8' }).info).toBe('Try something');
    });
    it('uses the test signature for both engines of an SPSA run', () => {
      const args = createdArgs({
        stopRule: 'spsa',
        numGames: '20000',
        baseTag: 'tune-base',
        baseSignature: '999999',
        spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: 'X,10,0,20,1,0.002' },
      });
      expect(args.base_signature).toBe('2050812');
    });
  });

  describe('required values and booleans', () => {
    it('refuses any empty value, naming it', () => {
      rejectsWith('Missing required option: base_tag', { baseTag: '' });
      rejectsWith('Missing required option: book', { book: '' });
      rejectsWith('Missing required option: base_signature', { baseSignature: '' });
    });
    it('sets auto_purge from its checkbox and adjudication unless disabled', () => {
      expect(createdArgs({ autoPurge: true, disableAdjudication: true })).toMatchObject({ auto_purge: true, adjudication: false });
    });
  });

  describe('commits and nets', () => {
    it('refuses when either branch did not resolve to a SHA', () => {
      rejectsWith('Unable to find branch!', {}, { resolvedBase: { sha: '', message: '' } });
    });
    it('uses the original SHAs of a reschedule instead of resolving them', () => {
      const args = createdArgs(
        {
          rescheduledFrom: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          reschedule: { resolvedBase: 'c'.repeat(40), resolvedNew: 'd'.repeat(40), msgBase: 'mb', msgNew: 'mn' },
        },
        { resolvedBase: { sha: '', message: '' } },
      );
      expect(args).toMatchObject({ resolved_base: 'c'.repeat(40), resolved_new: 'd'.repeat(40), msg_base: 'mb', msg_new: 'mn' });
    });
    it('refuses SHAs that are not 40 lowercase hex digits (run schema)', () => {
      rejectsWith(/resolved_new/, {}, { resolvedNew: { sha: 'XYZ', message: '' } });
    });
    it('checks the base signature against master when the base is master', () => {
      rejectsWith('Bench signature of Base master does not match, please "git pull upstream master" !', { baseSignature: '1111111' });
    });
    it('skips the master bench check when GitHub could not tell', () => {
      expect(createdArgs({ baseSignature: '1111111' }, { masterBench: null }).base_signature).toBe('1111111');
    });
    it('refuses nets that are not in the network store, listing them', () => {
      rejectsWith('Missing net(s). Please upload to: https://tests.stockfishchess.org the following net(s): nn-000000000000.nnue', {}, {
        missingNets: ['nn-000000000000.nnue'],
      });
    });
    it('refuses bench signatures that are not positive integers (run schema)', () => {
      rejectsWith(/base_signature/, { baseTag: 'dev', baseSignature: '0123' });
    });
  });

  describe('threads, priority, throughput, book', () => {
    it('parses integers like Python and refuses anything else', () => {
      expect(createdArgs({ threads: ' 2 ', priority: '-1', throughput: '50' })).toMatchObject({ threads: 2, priority: -1, throughput: 50 });
      rejectsWith("invalid literal for int() with base 10: '1.5'", { threads: '1.5' });
    });
    it('refuses fewer than one thread', () => {
      rejectsWith('Threads must be >= 1', { threads: '0' });
    });
    it('refuses a negative throughput (run schema)', () => {
      rejectsWith(/throughput/, { throughput: '-5' });
    });
    it('refuses a book that is not .epd or .pgn and a book depth that is not a positive integer (run schema)', () => {
      rejectsWith(/args\['book'\]/, { book: 'book.txt' });
      rejectsWith(/book_depth/, { bookDepth: '0' });
    });
  });

  describe('stop rules', () => {
    it('SPRT: batch of max(1, int(0.5 + 16/tc_ratio)) pairs and a cap of 800000 games', () => {
      expect(createdArgs().sprt?.batch_size).toBe(16);
      expect(createdArgs({ tc: '60+0.6' }).sprt?.batch_size).toBe(3);
      expect(createdArgs({ tc: '5+0.05', threads: '8' }).sprt?.batch_size).toBe(4);
    });
    it('SPRT: refuses an unknown Elo model', () => {
      rejectsWith('Unknown Elo model', { eloModel: 'elo' });
    });
    it('SPRT: new runs must use normalized Elo (the run schema refuses the legacy models)', () => {
      rejectsWith(/elo_model/, { eloModel: 'BayesElo' });
    });
    it('SPRT: refuses bounds that are not numbers', () => {
      rejectsWith("could not convert string to float: 'x'", { sprtElo0: 'x' });
    });
    it('fixed games: at least 1000, in steps of 1000, at most 3200000', () => {
      expect(createdArgs({ stopRule: 'games', numGames: '60000' })).toMatchObject({ num_games: 60_000 });
      expect(createdArgs({ stopRule: 'games', numGames: '60000' }).sprt).toBeUndefined();
      rejectsWith('Number of games must be >= 1000', { stopRule: 'games', numGames: '0' });
      rejectsWith('Number of games must be a multiple of 1000', { stopRule: 'games', numGames: '1500' });
      rejectsWith('Number of games must be <= 3200000', { stopRule: 'games', numGames: '3201000' });
    });
    it('SPSA: builds the parameters and derives A, num_iter, c, a', () => {
      const args = createdArgs({
        stopRule: 'spsa',
        numGames: '20000',
        baseTag: 'tune-base',
        spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams: 'X,10,0,20,2,0.002\n\nY,5,0,10,1,0.002' },
      });
      const spsa = args.spsa;
      expect(spsa).toMatchObject({ A: 1000, num_iter: 10_000, iter: 0, alpha: 0.602, gamma: 0.101 });
      expect(spsa?.params.map((param) => param.name)).toEqual(['X', 'Y']);
      expect(spsa?.params[0]?.c).toBeCloseTo(2 * 10_000 ** 0.101, 10);
      expect(spsa?.params[0]?.a).toBeCloseTo(0.002 * 4 * (1000 + 10_000) ** 0.602, 10);
      expect(spsa?.params[0]?.theta).toBe(10);
    });
    it('SPSA: refuses lines without 6 fields, bad numbers and no parameters at all', () => {
      const spsa = (rawParams: string) => ({ stopRule: 'spsa', numGames: '20000', baseTag: 'tune-base', spsa: { A: '0.1', alpha: '0.602', gamma: '0.101', rawParams } });
      rejectsWith("the line ['X', '1'] does not have 6 entries", spsa('X,1'));
      rejectsWith('Invalid SPSA line 1 field c_end: expected a finite number > 0', spsa('X,1,0,2,0,0.1'));
      rejectsWith('Number of params must be > 0', spsa('\n\n'));
    });
  });

  it('writes the new_run audit text upstream logs', () => {
    expect(newRunMessage(baseArgs({ sprt: createdArgs().sprt }), 10)).toBe('SPRT<0.00,2.00> TC:10+0.1 Book:UHO_Lichess_4852_v1.epd Threads:1 Hash:16/16');
    expect(newRunMessage(baseArgs({ num_games: 60_000, tc: '60+0.6', new_tc: '30+0.3', threads: 8, new_options: 'Hash=64' }), 60)).toBe(
      'NumGames[60000] TC:60+0.6[30+0.3](LTC) Book:UHO_Lichess_4852_v1.epd Threads:8(SMP) Hash:16/64',
    );
  });
});
