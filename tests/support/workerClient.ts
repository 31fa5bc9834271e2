import { gzipSync } from 'node:zlib';
import type { Pentanomial, Results } from '../../src/domain/shared/results.js';

/*
 * A protocol-level virtual worker: it speaks HTTP to the server as the unmodified Fishtest worker
 * does (JSON POSTs with the credentials in the body, every reply a JSON object with `duration`),
 * follows the same conversation — request_version, request_task, then per batch of games
 * (request_spsa first for SPSA) an update_task with the task's cumulative results, and a PGN
 * upload after a non-SPSA task — but plays no chess: game pairs are drawn from a pentanomial
 * distribution.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Reply = { [key: string]: Json };

export interface VirtualWorkerOptions {
  baseUrl: string;
  password: string;
  /** The 16 keys the worker sends. */
  workerInfo: Record<string, unknown>;
  /** Probabilities of the game-pair scores LL, LD, DD, DW, WW (they need not sum to 1). */
  pairOdds: Pentanomial;
  random: () => number;
  /** Sends a heartbeat after every n-th batch (0: never). */
  beatEvery?: number;
}

/** A batch the server accepted: the task's cumulative results after it. */
export interface AcceptedUpdate {
  runId: string;
  taskId: number;
  stats: Results;
  spsaGames: number;
}

export type TaskOutcome = { kind: 'no-task'; reply: Reply } | { kind: 'played'; runId: string; taskId: number; games: number };

export interface VirtualWorker {
  /** One turn of the worker's main loop: version check, a task, its games. */
  playOneTask(): Promise<TaskOutcome>;
  /** Every update the server applied, in order. */
  readonly accepted: readonly AcceptedUpdate[];
  readonly calls: ReadonlyMap<string, number>;
}

const ZERO: Results = { wins: 0, losses: 0, draws: 0, crashes: 0, time_losses: 0, pentanomial: [0, 0, 0, 0, 0] };

const addPair = (results: Results, score: number): Results => {
  const pentanomial = [...results.pentanomial] as [number, number, number, number, number];
  pentanomial[score] = (pentanomial[score] ?? 0) + 1;
  // LL → 2 losses; LD → a loss and a draw; DD → 2 draws; DW → a draw and a win; WW → 2 wins.
  const wins = [0, 0, 0, 1, 2][score] ?? 0;
  const losses = [2, 1, 0, 0, 0][score] ?? 0;
  return {
    ...results,
    wins: results.wins + wins,
    losses: results.losses + losses,
    draws: results.draws + (2 - wins - losses),
    pentanomial,
  };
};

const games = (results: Pick<Results, 'wins' | 'losses' | 'draws'>): number => results.wins + results.losses + results.draws;

export const createVirtualWorker = (options: VirtualWorkerOptions): VirtualWorker => {
  const accepted: AcceptedUpdate[] = [];
  const calls = new Map<string, number>();
  const credentials = { password: options.password, worker_info: options.workerInfo };
  const concurrency = Number(options.workerInfo['concurrency']);
  const totalOdds = options.pairOdds.reduce((sum, odds) => sum + odds, 0);

  const post = async (path: string, body: Record<string, unknown>): Promise<Reply> => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    const response = await fetch(`${options.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = (await response.json()) as Json;
    // The real worker treats anything else as a failure, and crashes on a reply without duration.
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw new Error(`${path}: not a JSON object`);
    if (typeof reply['duration'] !== 'number') throw new Error(`${path}: reply without duration: ${JSON.stringify(reply)}`);
    if (typeof reply['error'] === 'string' && path !== '/api/request_task') throw new Error(`${path}: ${reply['error']}`);
    return reply;
  };

  const drawPair = (): number => {
    let draw = options.random() * totalOdds;
    for (let score = 0; score < 5; score += 1) {
      draw -= options.pairOdds[score] ?? 0;
      if (draw < 0) return score;
    }
    return 4;
  };

  const play = (results: Results, pairs: number): Results => {
    let next = results;
    for (let pair = 0; pair < pairs; pair += 1) next = addPair(next, drawPair());
    return next;
  };

  const uploadPgn = async (runId: string, taskId: number, played: number): Promise<void> => {
    const text = Array.from({ length: Math.max(1, played) }, (_, game) => `[Event "${runId}-${taskId} game ${game + 1}"]\n\n1. e4 e5 1/2-1/2\n`).join('\n');
    const reply = await post('/api/upload_pgn', {
      ...credentials,
      run_id: runId,
      task_id: taskId,
      message: '',
      pgn: gzipSync(Buffer.from(text)).toString('base64'),
    });
    if (Object.keys(reply).some((key) => key !== 'duration')) throw new Error(`upload_pgn: unexpected reply ${JSON.stringify(reply)}`);
  };

  return {
    accepted,
    calls,
    async playOneTask() {
      const version = await post('/api/request_version', { worker_info: { username: options.workerInfo['username'] }, password: options.password });
      if (version['version'] !== 325) throw new Error(`request_version: ${JSON.stringify(version)}`);
      const assignment = await post('/api/request_task', credentials);
      if ('task_waiting' in assignment) return { kind: 'no-task', reply: assignment };
      const run = assignment['run'] as { _id: string; args: Record<string, Json>; my_task: { num_games: number } };
      const taskId = assignment['task_id'] as number;
      const runId = run._id;
      const sprt = run.args['sprt'] as { batch_size: number } | undefined;
      const isSpsa = run.args['spsa'] !== undefined;
      const batchGames = sprt ? 2 * sprt.batch_size : 4 * concurrency;
      const taskGames = run.my_task.num_games;
      let stats = ZERO;
      let batches = 0;
      for (;;) {
        const toPlay = Math.min(batchGames, taskGames - games(stats));
        if (toPlay <= 0) break;
        const report: Record<string, unknown> = { ...credentials, run_id: runId, task_id: taskId, stats };
        let spsa: { num_games: number; wins: number; losses: number; draws: number; sig: number } | undefined;
        if (isSpsa) {
          const step = await post('/api/request_spsa', report);
          if (step['task_alive'] !== true) break;
          if (!Array.isArray(step['w_params']) || !Array.isArray(step['b_params'])) throw new Error('request_spsa: no parameters');
          const batch = play(ZERO, toPlay / 2);
          spsa = { num_games: toPlay, wins: batch.wins, losses: batch.losses, draws: batch.draws, sig: step['sig'] as number };
          stats = {
            ...stats,
            wins: stats.wins + batch.wins,
            losses: stats.losses + batch.losses,
            draws: stats.draws + batch.draws,
            pentanomial: stats.pentanomial.map((count, index) => count + (batch.pentanomial[index] ?? 0)) as unknown as Pentanomial,
          };
        } else {
          stats = play(stats, toPlay / 2);
        }
        const reply = await post('/api/update_task', { ...credentials, run_id: runId, task_id: taskId, stats, ...(spsa ? { spsa } : {}) });
        if (typeof reply['task_alive'] !== 'boolean') throw new Error(`update_task: ${JSON.stringify(reply)}`);
        if (!('info' in reply)) accepted.push({ runId, taskId, stats, spsaGames: spsa?.num_games ?? 0 });
        if (!reply['task_alive']) break;
        batches += 1;
        if (options.beatEvery && batches % options.beatEvery === 0) {
          const beat = await post('/api/beat', { ...credentials, run_id: runId, task_id: taskId });
          if (typeof beat['task_alive'] !== 'boolean') throw new Error(`beat: ${JSON.stringify(beat)}`);
        }
      }
      if (!isSpsa) await uploadPgn(runId, taskId, games(stats));
      return { kind: 'played', runId, taskId, games: games(stats) };
    },
  };
};
