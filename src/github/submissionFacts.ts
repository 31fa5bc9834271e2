import type { ResolvedCommit, RunSubmission, SubmissionFacts } from '../domain/runs/create/submission.js';
import type { EpochMs } from '../domain/shared/time.js';
import type { CommitFacts, GitHubPort } from './port.js';

export interface FactSources {
  readonly github: GitHubPort;
  /** Registration time of the submitting account (the fork rule depends on it). */
  readonly userRegisteredAt: EpochMs;
  /** Whether the network store has this net (an upload event exists). */
  networkExists(name: string): Promise<boolean>;
  /** Where missing nets must be uploaded (named in the message). */
  readonly hostUrl: string;
  /**
   * Nets the operator names. They replace what GitHub says the engines load; offline, where
   * nothing can be looked up, a side without them has no nets.
   */
  readonly givenNets?: { readonly base?: readonly string[]; readonly new?: readonly string[] };
}

export type FactsResult = { readonly ok: true; readonly facts: SubmissionFacts } | { readonly ok: false; readonly message: string };

const firstLine = (message: string): string => message.split('\n', 1)[0] ?? '';

const asResolved = (commit: CommitFacts | null): ResolvedCommit =>
  commit === null ? { sha: '', message: '' } : { sha: commit.sha, message: firstLine(commit.message) };

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * What upstream's `validate_form` asks GitHub and its databases before it decides, gathered in
 * its order so that the same failure is reported: the repository (renames, fork root), the new
 * branch's commit message when the signature or info is blank, both SHAs (unless a reschedule
 * carries them), the master bench when the base is `master`, the default nets of both engines,
 * and which of those nets the network store lacks. A lookup that fails ends the request with
 * upstream's "Unable to access developer repository …" message.
 */
export const gatherSubmissionFacts = async (submission: RunSubmission, sources: FactSources): Promise<FactsResult> => {
  const { github } = sources;
  const unreachable = (repo: string, err: unknown): FactsResult => ({
    ok: false,
    message: `Unable to access developer repository ${repo}: ${describe(err)}`,
  });

  let testsRepo: string;
  let masterRepo: string | null;
  try {
    const repository = await github.describeRepository(submission.testsRepo);
    testsRepo = repository.canonicalUrl;
    masterRepo = repository.forkRoot;
  } catch (err) {
    return unreachable(submission.testsRepo, err);
  }

  const commits = new Map<string, CommitFacts | null>();
  const resolve = async (ref: string): Promise<CommitFacts | null> => {
    if (!commits.has(ref)) commits.set(ref, await github.resolveCommit(testsRepo, ref));
    return commits.get(ref) ?? null;
  };

  let newTagCommitMessage: string | null | undefined;
  let resolvedBase: ResolvedCommit | undefined;
  let resolvedNew: ResolvedCommit | undefined;
  try {
    if (submission.newSignature.length === 0 || submission.info.length === 0) {
      newTagCommitMessage = (await resolve(submission.newTag))?.message ?? null;
    }
    if (submission.reschedule === undefined) {
      resolvedBase = asResolved(await resolve(submission.baseTag));
      resolvedNew = asResolved(await resolve(submission.newTag));
    }
  } catch (err) {
    return unreachable(testsRepo, err);
  }
  const baseSha = submission.reschedule?.resolvedBase ?? resolvedBase?.sha ?? '';
  const newSha = submission.reschedule?.resolvedNew ?? resolvedNew?.sha ?? '';

  const masterBench = submission.baseTag === 'master' ? await github.latestBench(testsRepo) : undefined;

  let baseNets: readonly string[] = [];
  let newNets: readonly string[] = [];
  if (baseSha !== '' && newSha !== '') {
    try {
      baseNets = sources.givenNets?.base ?? (await github.networksAt(testsRepo, baseSha)) ?? [];
      newNets = sources.givenNets?.new ?? (await github.networksAt(testsRepo, newSha)) ?? [];
    } catch (err) {
      return unreachable(testsRepo, err);
    }
  }
  const missingNets: string[] = [];
  for (const name of new Set([...baseNets, ...newNets])) if (!(await sources.networkExists(name))) missingNets.push(name);

  return {
    ok: true,
    facts: {
      testsRepo,
      ...(masterRepo === null ? {} : { masterRepo }),
      userRegisteredAt: sources.userRegisteredAt,
      ...(newTagCommitMessage === undefined ? {} : { newTagCommitMessage }),
      ...(resolvedBase === undefined ? {} : { resolvedBase }),
      ...(resolvedNew === undefined ? {} : { resolvedNew }),
      ...(masterBench === undefined ? {} : { masterBench }),
      baseNets: [...baseNets],
      newNets: [...newNets],
      missingNets,
      hostUrl: sources.hostUrl,
    },
  };
};
