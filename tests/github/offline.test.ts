import { describe, expect, it } from 'vitest';
import { createOfflineGitHub } from '../../src/github/offline/index.js';
import { withKnownCommits } from '../../src/github/knownCommits.js';
import { masterNetsOfApprovedRun } from '../../src/github/masterNets.js';
import { createGitHub } from '../../src/github/index.js';
import { loadGitHubSettings } from '../../src/github/settings.js';

const SHA = '347d613b0e2c47f90cbf1c5a5affe97303f1ac3d';
const OTHER = 'b'.repeat(40);

describe('GitHub offline', () => {
  it('resolves SHAs and the commits the operator gives; any other ref is not found', async () => {
    const github = createOfflineGitHub({
      commits: [
        { ref: 'feature', sha: OTHER, message: 'Tweak\n\nBench: 1234567' },
        { ref: 'master', sha: SHA, repoUrl: 'https://github.com/alice/Stockfish' },
      ],
    });
    expect(github.mode).toBe('offline');
    expect(await github.resolveCommit('https://github.com/x/Stockfish', SHA.toUpperCase())).toEqual({ sha: SHA, message: '' });
    expect(await github.resolveCommit('https://github.com/x/Stockfish', 'feature')).toEqual({ sha: OTHER, message: 'Tweak\n\nBench: 1234567' });
    expect(await github.resolveCommit('https://github.com/alice/Stockfish/', 'master')).toEqual({ sha: SHA, message: '' });
    expect(await github.resolveCommit('https://github.com/bob/Stockfish', 'master')).toBeNull();
    expect(await github.resolveCommit('https://github.com/x/Stockfish', 'main')).toBeNull();
  });

  it('takes repositories as typed, and answers unknown for what only GitHub knows', async () => {
    const github = createOfflineGitHub();
    expect(await github.describeRepository('https://github.com/alice/Stockfish///')).toEqual({ canonicalUrl: 'https://github.com/alice/Stockfish', forkRoot: null });
    await expect(github.describeRepository('https://gitlab.com/alice/Stockfish')).rejects.toThrow(/not a GitHub repository URL/);
    expect(await github.latestBench('https://github.com/alice/Stockfish')).toBeNull();
    expect(await github.officialMasterSha()).toBeNull();
    expect(await github.networksAt('https://github.com/alice/Stockfish', SHA)).toBeNull();
    expect(await github.fetchBookCatalogue()).toBeNull();
    expect(github.rateLimit()).toMatchObject({ remaining: 5000, used: 0 });
  });

  it('answers ancestry "unknown" (so nothing is warned about or promoted), except for a commit and itself', async () => {
    const github = createOfflineGitHub({ officialMasterSha: SHA });
    expect(await github.isAncestor({ sha: OTHER }, { sha: SHA })).toBe('unknown');
    expect(await github.isAncestor({ sha: SHA }, { sha: SHA })).toBe('yes');
    expect(await masterNetsOfApprovedRun(github, { resolved_base: OTHER, base_nets: ['nn-0000000000a0.nnue'] })).toEqual([]);
    expect(await masterNetsOfApprovedRun(github, { resolved_base: SHA, base_nets: ['nn-0000000000a0.nnue'] })).toEqual(['nn-0000000000a0.nnue']);
  });

  it('uses the facts it is given: nets by SHA, the latest bench', async () => {
    const github = createOfflineGitHub({ networks: { [SHA]: ['nn-0000000000a0.nnue'] }, latestBench: '2050811' });
    expect(await github.networksAt('https://github.com/a/b', SHA)).toEqual(['nn-0000000000a0.nnue']);
    expect(await github.latestBench('https://github.com/a/b')).toBe('2050811');
  });

  it('lets known commits answer before the port', async () => {
    const github = withKnownCommits(createOfflineGitHub(), [{ ref: 'topic', sha: OTHER, message: 'Given' }]);
    expect(await github.resolveCommit('https://github.com/a/b', 'topic')).toEqual({ sha: OTHER, message: 'Given' });
    expect(await github.resolveCommit('https://github.com/a/b', 'other')).toBeNull();
  });

  it('is what the settings choose by default; http needs GITHUB_MODE=http and checks its URLs', () => {
    expect(loadGitHubSettings({})).toEqual({ mode: 'offline', booksSyncIntervalMs: 900_000 });
    expect(createGitHub(loadGitHubSettings({})).mode).toBe('offline');
    const http = loadGitHubSettings({ GITHUB_MODE: 'http', GITHUB_TOKEN: 't', GITHUB_API_URL: 'http://127.0.0.1:9/' });
    expect(http).toMatchObject({ mode: 'http', token: 't', apiUrl: 'http://127.0.0.1:9' });
    expect(createGitHub(http).mode).toBe('http');
    expect(() => loadGitHubSettings({ GITHUB_MODE: 'online' })).toThrow(/^Invalid setting GITHUB_MODE/);
    expect(() => loadGitHubSettings({ GITHUB_API_URL: 'ftp://x' })).toThrow(/GITHUB_API_URL must be an http\(s\) URL/);
  });
});
