import { describe, expect, it } from 'vitest';
import { gatherSubmissionFacts } from '../../src/github/submissionFacts.js';
import { createOfflineGitHub } from '../../src/github/offline/index.js';
import type { GitHubPort } from '../../src/github/port.js';
import { GitHubError } from '../../src/github/errors.js';
import type { RunSubmission } from '../../src/domain/runs/create/submission.js';
import { validateSubmission } from '../../src/domain/runs/create/validate-submission.js';
import { defaultArchMatcher } from '../../src/domain/scheduling/arch-filter.js';
import { submission as sharedSubmission } from '../support/runSubmission.js';

const BASE = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

// The shared fixture, with the values these cases were written against.
const submission = (overrides: Partial<RunSubmission> = {}): RunSubmission =>
  sharedSubmission({
    username: 'alice',
    newTc: '10+0.1',
    newSignature: '',
    testsRepo: 'https://github.com/alice/Stockfish/',
    info: '',
    numGames: '60000',
    ...overrides,
  });

const offline = createOfflineGitHub({
  commits: [
    { ref: 'master', sha: BASE, message: 'Master head\n\nBench: 2050811' },
    { ref: 'feature', sha: NEW, message: 'Better eval\n\nBench: 1234567' },
  ],
  networks: { [BASE]: ['nn-0000000000a0.nnue'], [NEW]: ['nn-0000000000a0.nnue', 'nn-0000000000b0.nnue'] },
  latestBench: '2050811',
});

const uploaded = new Set(['nn-0000000000a0.nnue', 'nn-0000000000b0.nnue']);
const sources = (github: GitHubPort = offline, nets = uploaded) => ({
  github,
  userRegisteredAt: Date.UTC(2024, 0, 1),
  networkExists: async (name: string) => nets.has(name),
  hostUrl: 'https://tests.example.org',
});

describe('gathering the facts of a new run', () => {
  it('collects what the domain needs, and the domain accepts the run with them', async () => {
    const gathered = await gatherSubmissionFacts(submission(), sources());
    expect(gathered).toEqual({
      ok: true,
      facts: {
        testsRepo: 'https://github.com/alice/Stockfish',
        userRegisteredAt: Date.UTC(2024, 0, 1),
        newTagCommitMessage: 'Better eval\n\nBench: 1234567',
        resolvedBase: { sha: BASE, message: 'Master head' },
        resolvedNew: { sha: NEW, message: 'Better eval' },
        masterBench: '2050811',
        baseNets: ['nn-0000000000a0.nnue'],
        newNets: ['nn-0000000000a0.nnue', 'nn-0000000000b0.nnue'],
        missingNets: [],
        hostUrl: 'https://tests.example.org',
      },
    });
    if (!gathered.ok) return;
    const checked = validateSubmission(submission(), gathered.facts, defaultArchMatcher);
    expect(checked).toMatchObject({ ok: true, args: { new_signature: '1234567', info: 'Better eval', resolved_new: NEW, msg_base: 'Master head' } });
  });

  it('names the nets the network store lacks, and the domain refuses with upstream\'s message', async () => {
    const gathered = await gatherSubmissionFacts(submission(), sources(offline, new Set(['nn-0000000000a0.nnue'])));
    expect(gathered.ok && gathered.facts.missingNets).toEqual(['nn-0000000000b0.nnue']);
    if (!gathered.ok) return;
    expect(validateSubmission(submission(), gathered.facts, defaultArchMatcher)).toEqual({
      ok: false,
      message: 'Missing net(s). Please upload to: https://tests.example.org the following net(s): nn-0000000000b0.nnue',
    });
  });

  it('uses the nets the operator gives instead of asking, and none offline without them', async () => {
    const given = await gatherSubmissionFacts(submission(), { ...sources(), givenNets: { new: ['nn-0000000000b0.nnue'] } });
    expect(given.ok && [given.facts.baseNets, given.facts.newNets]).toEqual([['nn-0000000000a0.nnue'], ['nn-0000000000b0.nnue']]);
    const bare = await gatherSubmissionFacts(submission({ baseTag: BASE, newTag: NEW, newSignature: '1', info: 'x' }), sources(createOfflineGitHub()));
    expect(bare.ok && bare.facts).toMatchObject({ baseNets: [], newNets: [], resolvedBase: { sha: BASE, message: '' } });
    expect(bare.ok && 'newTagCommitMessage' in bare.facts).toBe(false);
    expect(bare.ok && 'masterBench' in bare.facts).toBe(false);
  });

  it('leaves an unknown branch empty, for the domain\'s "Unable to find branch!"', async () => {
    const gathered = await gatherSubmissionFacts(submission({ newTag: 'missing', newSignature: '1', info: 'x' }), sources());
    expect(gathered.ok && gathered.facts.resolvedNew).toEqual({ sha: '', message: '' });
    if (!gathered.ok) return;
    expect(validateSubmission(submission({ newTag: 'missing', newSignature: '1', info: 'x' }), gathered.facts, defaultArchMatcher)).toEqual({
      ok: false,
      message: 'Unable to find branch!',
    });
  });

  it('skips the SHA lookup for a reschedule and reports a GitHub failure as upstream does', async () => {
    const rescheduled = await gatherSubmissionFacts(
      submission({ newSignature: '1', info: 'x', reschedule: { resolvedBase: BASE, resolvedNew: NEW, msgBase: 'b', msgNew: 'n' } }),
      sources(),
    );
    expect(rescheduled.ok && [rescheduled.facts.resolvedBase, rescheduled.facts.newNets.length]).toEqual([undefined, 2]);
    const broken: GitHubPort = {
      ...offline,
      describeRepository: async () => {
        throw new GitHubError('GitHub answered 500 for /repos/alice/Stockfish', 500);
      },
    };
    expect(await gatherSubmissionFacts(submission(), sources(broken))).toEqual({
      ok: false,
      message: 'Unable to access developer repository https://github.com/alice/Stockfish/: GitHub answered 500 for /repos/alice/Stockfish',
    });
  });

  it('passes the fork root on, so the domain applies the fork rule', async () => {
    const forked: GitHubPort = { ...offline, describeRepository: async () => ({ canonicalUrl: 'https://github.com/alice/Stockfish', forkRoot: 'https://github.com/mcostalba/Stockfish' }) };
    const gathered = await gatherSubmissionFacts(submission(), { ...sources(forked), userRegisteredAt: Date.UTC(2025, 7, 1) });
    expect(gathered.ok && gathered.facts.masterRepo).toBe('https://github.com/mcostalba/Stockfish');
    if (!gathered.ok) return;
    const checked = validateSubmission(submission(), gathered.facts, defaultArchMatcher);
    expect(checked.ok === false && checked.message).toMatch(/has been forked from https:\/\/github.com\/mcostalba\/Stockfish .* Please replace your repo/);
  });
});
