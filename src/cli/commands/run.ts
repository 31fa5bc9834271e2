import type { RunService } from '../../commands/runs/index.js';
import { createRunService, isRunId } from '../../commands/runs/index.js';
import type { SnapshotDoc } from '../../commands/aggregateStore.js';
import type { Outcome } from '../../commands/streamCommandQueue.js';
import { createUserDirectory } from '../../commands/users/userDirectory.js';
import type { UserDirectory } from '../../commands/users/userDirectory.js';
import type { RunCommand } from '../../domain/runs/commands.js';
import { runStreamName } from '../../domain/runs/events.js';
import type { RunSubmission } from '../../domain/runs/create/submission.js';
import { OFFICIAL_REPO } from '../../domain/runs/create/repository.js';
import { lifecycleMessages } from '../../domain/runs/messages.js';
import { newRunMessage } from '../../domain/runs/run-messages.js';
import type { Run, RunState } from '../../domain/runs/state.js';
import { gamesPlayed, runStatus } from '../../domain/runs/state.js';
import { fromIso } from '../../domain/shared/time.js';
import { APPROVERS_GROUP } from '../../domain/users/rules.js';
import type { UserAccount } from '../../domain/users/state.js';
import type { RecordedEvent } from '../../stores/events/port.js';
import { createBookCommands } from '../../github/books/bookCommands.js';
import { parseBookCatalogue } from '../../github/books/catalogue.js';
import type { GitHubPort } from '../../github/port.js';
import { isFullSha } from '../../github/port.js';
import { createGitHub } from '../../github/index.js';
import type { KnownCommit } from '../../github/offline/index.js';
import { withKnownCommits } from '../../github/knownCommits.js';
import { masterNetsOfApprovedRun } from '../../github/masterNets.js';
import { loadGitHubSettings } from '../../github/settings.js';
import { gatherSubmissionFacts } from '../../github/submissionFacts.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { parseOptions } from '../parseOptions.js';
import { scanStreams } from '../scanStreams.js';
import type { CliCommand, CliCommandGroup, CliRuntime } from '../types.js';
import { promoteNetwork, readNetwork } from './nn.js';

/** Where a missing net must go, as the "Missing net(s)" message names it. */
const UPLOAD_HINT = '"npm run admin -- nn upload <file>"';

const DEFAULTS = {
  base: 'master',
  repo: OFFICIAL_REPO,
  tc: '10+0.1',
  book: 'UHO_Lichess_4852_v1.epd',
  bookDepth: '8',
  options: 'Hash=16',
  threads: '1',
  priority: '0',
  throughput: '100',
  elo0: '0',
  elo1: '2',
  numGames: '60000',
  spsaA: '0.1',
  spsaAlpha: '0.602',
  spsaGamma: '0.101',
} as const;

/** The run form's bound presets (normalized Elo). */
const BOUNDS: Record<string, readonly [string, string]> = {
  stc: ['0', '2'],
  ltc: ['0.5', '2.5'],
  regression: ['-1.75', '0.25'],
};

interface RunServices {
  runs: RunService;
  users: UserDirectory;
}

const openRuns = async (runtime: CliRuntime): Promise<RunServices> => {
  const eventStore = await runtime.eventStore();
  // Snapshots of long runs are a cache the server keeps in the read store; reading them makes
  // loading a run with many tasks quick, and sharing them is safe (one codec).
  const readStore = await runtime.readStore();
  const runs = createRunService({
    eventStore,
    snapshots: readStore.collection<SnapshotDoc>('run_snapshots', { indexes: [] }),
    clock: runtime.now,
  });
  runtime.onClose(() => runs.stop());
  const users = createUserDirectory({ eventStore, follow: false });
  runtime.onClose(() => users.close());
  await users.ready();
  return { runs, users };
};

/** The account that acts: the --as actor, which must be an active account. */
const actingAccount = (runtime: CliRuntime, users: UserDirectory): UserAccount => {
  const { actor } = runtime.eventContext();
  const account = users.get(actor);
  if (!account) {
    throw new CommandFailedError(
      `${JSON.stringify(actor)} is not an account: run commands act as a user, so name one with --as <user> (approvers may act on any run, owners on their own)`,
    );
  }
  if (account.blocked) throw new CommandFailedError(`User ${account.username} is blocked`);
  if (account.pending) throw new CommandFailedError(`User ${account.username} is not accepted yet`);
  return account;
};

const isApprover = (account: UserAccount): boolean => account.groups.includes(APPROVERS_GROUP);

const runIdOf = (raw: string | undefined): string => {
  const runId = raw ?? '';
  if (!isRunId(runId)) throw new UsageError(`${JSON.stringify(runId)} is not a run id (24 hex digits)`);
  return runId;
};

const accepted = <Reply>(outcome: Outcome<Reply>): Reply => {
  if (outcome.kind !== 'accepted') throw new CommandFailedError(outcome.message);
  return outcome.reply;
};

const existingRun = async (runs: RunService, runId: string): Promise<Run> => {
  const state = await runs.getRun(runId);
  if (state.kind !== 'run') throw new CommandFailedError(`Run ${runId} not found!`);
  return state;
};

/** Marks the base nets of an approved run as master when its base is on official master (upstream `update_nets`). */
const promoteMasterNets = async (runtime: CliRuntime, github: GitHubPort, run: RunState): Promise<string[]> => {
  if (run.kind !== 'run') return [];
  const names = await masterNetsOfApprovedRun(github, run.args);
  const eventStore = await runtime.eventStore();
  const promoted: string[] = [];
  for (const name of names) {
    if (await readNetwork(eventStore, name)) {
      if (await promoteNetwork(eventStore, name, runtime.eventContext(), runtime.now())) promoted.push(name);
    }
  }
  return promoted;
};

const approveAs = async (runtime: CliRuntime, services: RunServices, runId: string, github: GitHubPort): Promise<string[]> => {
  const approver = actingAccount(runtime, services.users);
  const run = accepted(
    await services.runs.execute({ type: 'ApproveRun', data: { runId, by: approver.username, isApprover: isApprover(approver) } }, runtime.eventContext()),
  );
  return promoteMasterNets(runtime, github, run);
};

/**
 * The GitHub port the settings name. The CLI's runtime carries the server's configuration, which
 * does not have these settings yet, so they are read from the environment here.
 */
const githubFromEnvironment = (): GitHubPort => {
  try {
    return createGitHub(loadGitHubSettings(process.env));
  } catch (err) {
    throw new CommandFailedError(err instanceof Error ? err.message : String(err));
  }
};

// ---------------------------------------------------------------------------------------------
// run create

const createOptions = {
  base: { type: 'string' },
  new: { type: 'string' },
  repo: { type: 'string' },
  owner: { type: 'string' },
  tc: { type: 'string' },
  'new-tc': { type: 'string' },
  book: { type: 'string' },
  'book-depth': { type: 'string' },
  'base-signature': { type: 'string' },
  'new-signature': { type: 'string' },
  'base-options': { type: 'string' },
  'new-options': { type: 'string' },
  info: { type: 'string' },
  threads: { type: 'string' },
  priority: { type: 'string' },
  throughput: { type: 'string' },
  'stop-rule': { type: 'string' },
  bounds: { type: 'string' },
  elo0: { type: 'string' },
  elo1: { type: 'string' },
  'elo-model': { type: 'string' },
  'num-games': { type: 'string' },
  'spsa-params': { type: 'string' },
  'spsa-a': { type: 'string' },
  'spsa-alpha': { type: 'string' },
  'spsa-gamma': { type: 'string' },
  'auto-purge': { type: 'boolean' },
  'no-adjudication': { type: 'boolean' },
  'arch-filter': { type: 'string' },
  compiler: { type: 'string' },
  approve: { type: 'boolean' },
  'base-sha': { type: 'string' },
  'new-sha': { type: 'string' },
  'base-message': { type: 'string' },
  'new-message': { type: 'string' },
  'base-net': { type: 'string', multiple: true },
  'new-net': { type: 'string', multiple: true },
} as const;

type CreateValues = ReturnType<typeof parseOptions<typeof createOptions>>['values'];

const stopRuleOf = (values: CreateValues): 'sprt' | 'games' | 'spsa' => {
  const explicit = values['stop-rule'];
  if (explicit !== undefined) {
    if (explicit !== 'sprt' && explicit !== 'games' && explicit !== 'spsa') throw new UsageError('--stop-rule must be sprt, games or spsa');
    return explicit;
  }
  if (values['spsa-params'] !== undefined) return 'spsa';
  if (values['num-games'] !== undefined) return 'games';
  return 'sprt';
};

const checkStopRuleOptions = (rule: 'sprt' | 'games' | 'spsa', values: CreateValues): void => {
  const sprtOnly = (['bounds', 'elo0', 'elo1', 'elo-model'] as const).filter((key) => values[key] !== undefined);
  if (rule !== 'sprt' && sprtOnly.length > 0) throw new UsageError(`--${sprtOnly[0]} applies to SPRT runs only`);
  if (rule === 'sprt' && values['num-games'] !== undefined) throw new UsageError('--num-games does not apply to SPRT runs (they stop on the SPRT)');
  const spsaOnly = (['spsa-params', 'spsa-a', 'spsa-alpha', 'spsa-gamma'] as const).filter((key) => values[key] !== undefined);
  if (rule !== 'spsa' && spsaOnly.length > 0) throw new UsageError(`--${spsaOnly[0]} applies to SPSA runs only`);
  if (rule === 'spsa' && values['spsa-params'] === undefined) throw new UsageError('SPSA runs need --spsa-params');
};

/** The commits the operator resolved; offline they are the only way to name a branch. */
const knownCommits = (values: CreateValues, baseTag: string, newTag: string, offline: boolean): KnownCommit[] => {
  const side = (tag: string, sha: string | undefined, message: string | undefined, flag: 'base' | 'new'): KnownCommit[] => {
    if (sha !== undefined && !isFullSha(sha.toLowerCase())) throw new UsageError(`--${flag}-sha must be 40 hex digits`);
    // Online, a branch that is a SHA is still looked up (for its message, and to know it exists).
    const resolved = sha ?? (offline && isFullSha(tag.toLowerCase()) ? tag : undefined);
    if (resolved === undefined) {
      if (offline) {
        throw new UsageError(`GitHub is offline (GITHUB_MODE=offline): give --${flag}-sha for ${JSON.stringify(tag)}, or set GITHUB_MODE=http`);
      }
      if (message !== undefined) throw new UsageError(`--${flag}-message needs --${flag}-sha`);
      return [];
    }
    return [{ ref: tag, sha: resolved.toLowerCase(), ...(message === undefined ? {} : { message }) }];
  };
  return [...side(baseTag, values['base-sha'], values['base-message'], 'base'), ...side(newTag, values['new-sha'], values['new-message'], 'new')];
};

/** Makes sure workers will get the book's sri: registered, or (with GitHub online) in GitHub's catalogue. */
const ensureBookRegistered = async (runtime: CliRuntime, github: GitHubPort, book: string): Promise<void> => {
  const books = createBookCommands({ eventStore: await runtime.eventStore(), now: runtime.now });
  if ((await books.current()).books.has(book)) return;
  if (github.mode === 'http') {
    // Upstream reads the catalogue again before its run form, so a book committed a moment ago can be used.
    const parsed = parseBookCatalogue(await github.fetchBookCatalogue());
    if (parsed.ok && parsed.books.some((entry) => entry.name === book)) {
      accepted(await books.importCatalogue(parsed.books, {}, runtime.eventContext()));
      return;
    }
  }
  throw new CommandFailedError(
    `Book ${book} is not registered: workers check a book against its sri, so register it first ("book add" or "book import")`,
  );
};

const create: CliCommand = {
  name: 'create',
  usage: '--new <branch> [--base <branch>] [--repo URL] [options]',
  summary: 'Submit a run (SPRT by default, or a number of games, or SPSA), optionally approving it',
  details: [
    'What is tested:',
    `  --new B, --base B        test and base branch, tag or SHA (base: ${DEFAULTS.base})`,
    `  --repo URL               tests repository (default: ${DEFAULTS.repo})`,
    '  --owner U                the run\'s submitter (default: the --as actor); an active account',
    '  --base-signature N       bench of the base (default: the repository\'s latest bench, when GitHub is online)',
    '  --new-signature N        bench of the test (default: from its commit message)',
    `  --base-options, --new-options  engine options (default: ${DEFAULTS.options})`,
    '  --info TEXT              description (default: the test commit message)',
    '',
    'How it is played:',
    `  --tc TC                  time control (default: ${DEFAULTS.tc}); --new-tc TC gives the test engine time odds`,
    `  --book NAME              a registered book (default: ${DEFAULTS.book}); --book-depth N (default: ${DEFAULTS.bookDepth})`,
    `  --threads N (${DEFAULTS.threads}), --priority N (${DEFAULTS.priority}), --throughput N (${DEFAULTS.throughput})`,
    '  --arch-filter REGEX, --compiler g++|clang++, --auto-purge, --no-adjudication',
    '',
    'When it stops (--stop-rule sprt|games|spsa; implied by the options below, SPRT by default):',
    `  --bounds stc|ltc|regression, or --elo0 X --elo1 Y (default: ${DEFAULTS.elo0}, ${DEFAULTS.elo1}; normalized Elo)`,
    `  --num-games N            fixed number of games, or the SPSA budget (default: ${DEFAULTS.numGames})`,
    '  --spsa-params TEXT       SPSA parameters, one "name,start,min,max,c_end,r_end" per line',
    `  --spsa-a R (${DEFAULTS.spsaA}), --spsa-alpha X (${DEFAULTS.spsaAlpha}), --spsa-gamma X (${DEFAULTS.spsaGamma})`,
    '',
    'Facts GitHub would give (required with GITHUB_MODE=offline, the default):',
    '  --base-sha SHA, --new-sha SHA           the commits (40 hex digits), unless the branches are SHAs',
    '  --base-message M, --new-message M       their commit messages (signature and info are taken from the test\'s)',
    '  --base-net NAME, --new-net NAME         default nets of each engine (repeatable); each must be uploaded',
    '',
    '  --approve                approve at once; the --as actor must be an approver other than the owner',
    '',
    'The run is validated as upstream\'s form does and waits for approval unless --approve.',
  ],
  async run(argv, runtime) {
    const { values } = parseOptions(argv, createOptions, { names: [] });
    const newTag = values.new;
    if (newTag === undefined || newTag.trim() === '') throw new UsageError('missing --new <branch>');
    const baseTag = values.base ?? DEFAULTS.base;
    const stopRule = stopRuleOf(values);
    checkStopRuleOptions(stopRule, values);
    const bounds = values.bounds === undefined ? undefined : BOUNDS[values.bounds];
    if (values.bounds !== undefined && bounds === undefined) throw new UsageError('--bounds must be stc, ltc or regression');
    if (bounds !== undefined && (values.elo0 !== undefined || values.elo1 !== undefined)) throw new UsageError('give --bounds or --elo0/--elo1, not both');

    const configured = githubFromEnvironment();
    const github = withKnownCommits(configured, knownCommits(values, baseTag, newTag, configured.mode === 'offline'));
    const offline = github.mode === 'offline';
    const testsRepo = values.repo ?? DEFAULTS.repo;

    let baseSignature = values['base-signature'] ?? '';
    if (baseSignature === '' && stopRule !== 'spsa' && baseTag === 'master') baseSignature = (await github.latestBench(testsRepo)) ?? '';
    if (baseSignature === '' && stopRule !== 'spsa') throw new UsageError('missing --base-signature (the bench of the base)');
    if (offline && values['new-message'] === undefined) {
      if (values['new-signature'] === undefined) throw new UsageError('missing --new-signature (offline, there is no commit message to take it from)');
      if (values.info === undefined) throw new UsageError('missing --info (offline, there is no commit message to take it from)');
    }

    const { runs, users } = await openRuns(runtime);
    const ownerName = values.owner ?? runtime.eventContext().actor;
    const owner = users.get(ownerName);
    if (!owner) throw new CommandFailedError(`Unknown user: ${ownerName}`);
    if (owner.blocked) throw new CommandFailedError(`User ${owner.username} is blocked`);
    if (owner.pending) throw new CommandFailedError(`User ${owner.username} is not accepted yet`);
    const approver = values.approve === true ? actingAccount(runtime, users) : undefined;
    // Checked before the run exists, so that a refused approval leaves no unapproved run behind.
    if (approver !== undefined && !isApprover(approver)) throw new CommandFailedError(lifecycleMessages.loginAsApprover);
    if (approver !== undefined && approver.username === owner.username) throw new CommandFailedError('Self approval is disabled!');

    const book = values.book ?? DEFAULTS.book;
    await ensureBookRegistered(runtime, github, book);

    const [elo0, elo1] = bounds ?? [values.elo0 ?? DEFAULTS.elo0, values.elo1 ?? DEFAULTS.elo1];
    const submission: RunSubmission = {
      username: owner.username,
      baseTag,
      newTag,
      tc: values.tc ?? DEFAULTS.tc,
      newTc: values['new-tc'] ?? values.tc ?? DEFAULTS.tc,
      odds: values['new-tc'] !== undefined,
      book,
      bookDepth: values['book-depth'] ?? DEFAULTS.bookDepth,
      baseSignature,
      newSignature: values['new-signature'] ?? '',
      baseOptions: values['base-options'] ?? DEFAULTS.options,
      newOptions: values['new-options'] ?? DEFAULTS.options,
      testsRepo,
      info: values.info ?? '',
      useArchFilter: values['arch-filter'] !== undefined,
      archFilter: values['arch-filter'] ?? '',
      useCompiler: values.compiler !== undefined,
      compiler: values.compiler ?? '',
      threads: values.threads ?? DEFAULTS.threads,
      priority: values.priority ?? DEFAULTS.priority,
      throughput: values.throughput ?? DEFAULTS.throughput,
      stopRule,
      eloModel: values['elo-model'] ?? 'normalized',
      sprtElo0: elo0,
      sprtElo1: elo1,
      numGames: values['num-games'] ?? DEFAULTS.numGames,
      spsa: {
        A: values['spsa-a'] ?? DEFAULTS.spsaA,
        alpha: values['spsa-alpha'] ?? DEFAULTS.spsaAlpha,
        gamma: values['spsa-gamma'] ?? DEFAULTS.spsaGamma,
        rawParams: values['spsa-params'] ?? '',
      },
      autoPurge: values['auto-purge'] === true,
      disableAdjudication: values['no-adjudication'] === true,
    };

    const eventStore = await runtime.eventStore();
    const gathered = await gatherSubmissionFacts(submission, {
      github,
      userRegisteredAt: fromIso(owner.registeredAt),
      networkExists: async (name) => (await readNetwork(eventStore, name)) !== undefined,
      hostUrl: UPLOAD_HINT,
      givenNets: {
        ...(values['base-net'] === undefined ? {} : { base: values['base-net'] }),
        ...(values['new-net'] === undefined ? {} : { new: values['new-net'] }),
      },
    });
    if (!gathered.ok) throw new CommandFailedError(gathered.message);
    const { facts } = gathered;
    if (facts.masterRepo !== undefined && facts.masterRepo !== OFFICIAL_REPO) {
      runtime.io.err(`warning: ${facts.testsRepo} is forked from ${facts.masterRepo}, not from ${OFFICIAL_REPO}`);
    }

    const runId = accepted(await runs.createRun({ submission, facts }, runtime.eventContext()));
    const created = await existingRun(runs, runId);
    const summary = newRunMessage(created.args, created.tcBase);
    if (approver === undefined) {
      runtime.io.out(`Created run ${runId} (${owner.username}, waiting for approval): ${summary}`);
      return;
    }
    let promoted: string[];
    try {
      promoted = await approveAs(runtime, { runs, users }, runId, github);
    } catch (err) {
      // The run exists; say so, and why it is not approved.
      throw new CommandFailedError(`created run ${runId}, but did not approve it: ${err instanceof Error ? err.message : String(err)}`);
    }
    const masterNote = promoted.length > 0 ? `; master nets: ${promoted.join(', ')}` : '';
    runtime.io.out(`Created run ${runId} (${owner.username}, approved by ${approver.username}${masterNote}): ${summary}`);
  },
};

// ---------------------------------------------------------------------------------------------
// approve, stop, delete, purge

type CallerCommand = Extract<RunCommand, { type: 'StopRun' | 'DeleteRun' | 'PurgeRun' }>['type'];

const approve: CliCommand = {
  name: 'approve',
  usage: '<run-id>',
  summary: 'Approve a run; the --as actor must be an approver other than its owner',
  details: ['When GitHub is online and the base is on official master, the base nets become master nets (upstream does so too).'],
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['run-id'] });
    const runId = runIdOf(positionals[0]);
    const services = await openRuns(runtime);
    await existingRun(services.runs, runId);
    const promoted = await approveAs(runtime, services, runId, githubFromEnvironment());
    const by = runtime.eventContext().actor;
    runtime.io.out(`Approved run ${runId} as ${by}${promoted.length > 0 ? `; master nets: ${promoted.join(', ')}` : ''}`);
  },
};

const callerCommand = (type: CallerCommand, name: string, summary: string, details: readonly string[]): CliCommand => ({
  name,
  usage: '<run-id>',
  summary,
  details,
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['run-id'] });
    const runId = runIdOf(positionals[0]);
    const { runs, users } = await openRuns(runtime);
    await existingRun(runs, runId);
    const caller = actingAccount(runtime, users);
    const outcome = await runs.execute({ type, data: { runId, by: caller.username, isApprover: isApprover(caller) } }, runtime.eventContext());
    const after = accepted(outcome);
    if (type === 'PurgeRun') {
      // A refused purge is recorded (upstream logs it too) but changes nothing: exit 1 with its reason.
      const event = outcome.kind === 'accepted' && outcome.position !== null ? await eventAt(runtime, runId, outcome.position) : undefined;
      if (event?.type === 'RunPurgeRefused') {
        throw new CommandFailedError(`Manual purge (not performed): ${(event.data as { reason?: string }).reason ?? 'refused'}`);
      }
      const state = after.kind === 'run' ? after : undefined;
      runtime.io.out(`Purged run ${runId}: ${state?.badTasks.length ?? 0} bad tasks set aside${state && !state.finished ? '; the run is active again' : ''}`);
      return;
    }
    runtime.io.out(`${type === 'StopRun' ? 'Stopped' : 'Deleted'} run ${runId}`);
  },
});

/** The event of a run stream at a global position (among its last few). */
const eventAt = async (runtime: CliRuntime, runId: string, position: bigint): Promise<RecordedEvent | undefined> => {
  const recent = await (await runtime.eventStore()).readStream(runStreamName(runId), { direction: 'backwards', maxCount: 20 });
  return recent.find((event) => event.position === position);
};

const ownerOrApprover = ['The --as actor must be the run\'s owner or an approver.'];

const stop = callerCommand('StopRun', 'stop', 'Stop a run (finish it; its tasks stop)', [
  ...ownerOrApprover,
  'A run with auto-purge on is purged of bad workers when it stops.',
]);
const remove = callerCommand('DeleteRun', 'delete', 'Delete a run (finish it and hide it from the lists)', ownerOrApprover);
const purge = callerCommand('PurgeRun', 'purge', 'Purge the bad workers of a finished run (within 30 days)', [
  ...ownerOrApprover,
  'A purge that finds nothing to do is recorded and exits with 1.',
]);

// ---------------------------------------------------------------------------------------------
// list, show

interface RunListing {
  runId: string;
  position: bigint;
  finished: boolean;
  deleted: boolean;
  username: string;
}

const RUN_PREFIX = runStreamName('');

/** Which runs exist and which are finished, from the run streams' lifecycle events. */
const scanRuns = async (runtime: CliRuntime): Promise<RunListing[]> => {
  const eventStore = await runtime.eventStore();
  const runs = new Map<string, RunListing>();
  await scanStreams(
    eventStore,
    RUN_PREFIX,
    (event) => {
      const runId = event.streamId.slice(RUN_PREFIX.length);
      const listing = runs.get(runId);
      if (event.type === 'RunCreated') {
        const args = (event.data as { args?: { username?: string } }).args;
        runs.set(runId, { runId, position: event.position, finished: false, deleted: false, username: args?.username ?? '' });
      } else if (listing) {
        if (event.type === 'RunFinished' || event.type === 'RunStopped') listing.finished = true;
        else if (event.type === 'RunDeleted') Object.assign(listing, { finished: true, deleted: true });
        else if (event.type === 'RunRevived') Object.assign(listing, { finished: false, deleted: false });
      }
    },
    2_000,
  );
  return [...runs.values()].sort((a, b) => (a.position > b.position ? -1 : 1));
};

const statusOf = (run: Run): string => (run.deleted ? 'deleted' : runStatus(run));

const stopRuleText = (run: Run): string => newRunMessage(run.args, run.tcBase).split(' ')[0] ?? '';

const list: CliCommand = {
  name: 'list',
  usage: '[--all] [--user U] [--limit N] [--json]',
  summary: 'List the unfinished runs (or all runs), newest first',
  details: [
    '  --all       finished and deleted runs too',
    '  --user U    only the runs of this submitter',
    '  --limit N   at most N runs (default 50)',
    '  --json      one JSON array',
    '',
    'The list is read from the event log itself, so it is current even when no server runs; it reads',
    'every run event once, which takes a few seconds on a large log.',
  ],
  async run(argv, runtime) {
    const { values } = parseOptions(
      argv,
      { all: { type: 'boolean' }, user: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
      { names: [] },
    );
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
    const selected = (await scanRuns(runtime))
      .filter((listing) => values.all === true || !listing.finished)
      .filter((listing) => values.user === undefined || listing.username.toLowerCase() === values.user.toLowerCase())
      .slice(0, limit);
    const { runs } = await openRuns(runtime);
    const loaded: Run[] = [];
    for (const listing of selected) {
      const state = await runs.getRun(listing.runId);
      if (state.kind === 'run') loaded.push(state);
    }
    if (values.json) {
      runtime.io.out(JSON.stringify(loaded.map(summaryOf), null, 2));
      return;
    }
    if (loaded.length === 0) {
      runtime.io.out(values.all === true ? 'No runs.' : 'No unfinished runs.');
      return;
    }
    const rows = [
      ['ID', 'STATUS', 'USER', 'BRANCH', 'TC', 'RULE', 'GAMES', 'INFO'],
      ...loaded.map((run) => [
        run.runId,
        statusOf(run),
        run.args.username,
        run.args.new_tag,
        run.args.tc,
        stopRuleText(run),
        `${gamesPlayed(run)}/${run.args.num_games}`,
        (run.args.info.split('\n')[0] ?? '').slice(0, 40),
      ]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) runtime.io.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  },
};

const summaryOf = (run: Run) => ({
  id: run.runId,
  status: statusOf(run),
  approved: run.approved,
  approver: run.approver,
  finished: run.finished,
  deleted: run.deleted,
  failed: run.failed,
  is_green: run.isGreen,
  is_yellow: run.isYellow,
  start_time: new Date(run.startTime).toISOString(),
  last_updated: new Date(run.lastUpdated).toISOString(),
  workers: run.workers,
  cores: run.cores,
  total_games: run.totalGames,
  tasks: run.tasks.length,
  bad_tasks: run.badTasks.length,
  results: run.results,
  args: run.args,
  ...(run.rescheduledFrom === undefined ? {} : { rescheduled_from: run.rescheduledFrom }),
});

const show: CliCommand = {
  name: 'show',
  usage: '<run-id> [--json]',
  summary: 'Show a run: what it tests, its state and results',
  details: ['--json prints the run\'s arguments and counters as one object.'],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } }, { names: ['run-id'] });
    const runId = runIdOf(positionals[0]);
    const { runs } = await openRuns(runtime);
    const run = await existingRun(runs, runId);
    if (values.json) {
      runtime.io.out(JSON.stringify(summaryOf(run), null, 2));
      return;
    }
    const { args, results } = run;
    const lines: Array<[string, string]> = [
      ['id', run.runId],
      ['status', `${statusOf(run)}${run.approved ? ` (approved by ${run.approver})` : ' (not approved)'}`],
      ['user', args.username],
      ['run', newRunMessage(args, run.tcBase)],
      ['repository', args.tests_repo + (args.master_repo ? ` (forked from ${args.master_repo})` : '')],
      ['new', `${args.new_tag} ${args.resolved_new} bench ${args.new_signature} ${args.new_options}${args.new_nets.length ? ` nets ${args.new_nets.join(',')}` : ''}`],
      ['base', `${args.base_tag} ${args.resolved_base} bench ${args.base_signature} ${args.base_options}${args.base_nets.length ? ` nets ${args.base_nets.join(',')}` : ''}`],
      ['book', `${args.book} depth ${args.book_depth}`],
      ['priority', `${args.priority}, throughput ${args.throughput}%, itp ${Math.round(args.itp)}`],
      ['games', `${gamesPlayed(run)} of ${args.num_games} (W ${results.wins} L ${results.losses} D ${results.draws})`],
      ...(args.sprt ? [['sprt', `llr ${args.sprt.llr.toFixed(2)} [${args.sprt.lower_bound.toFixed(2)}, ${args.sprt.upper_bound.toFixed(2)}]${args.sprt.state ? ` ${args.sprt.state}` : ''}`] as [string, string]] : []),
      ['workers', `${run.workers} (${run.cores} cores), ${run.tasks.length} tasks`],
      ['started', new Date(run.startTime).toISOString()],
      ['info', args.info],
    ];
    const width = Math.max(...lines.map(([label]) => label.length));
    for (const [label, value] of lines) runtime.io.out(`${label.padEnd(width)}  ${value}`);
  },
};

export const runGroup: CliCommandGroup = {
  name: 'run',
  summary: 'Runs: create (SPRT, games, SPSA), approve, stop, delete, purge, list, show',
  commands: [create, approve, stop, remove, purge, list, show],
};
