import { buildRequest, TransportError, type HttpReply, type RequestBody } from './rawHttp.js';
import { record, statsFor, type PhaseStats } from './loadStats.js';
import type { WorkerIdentity } from './workerIdentity.js';

export type JsonObject = Record<string, unknown>;

/** What a worker call gave: a usable JSON reply, or a failure the real worker would retry or back off from. */
export type CallResult =
  | { kind: 'reply'; status: number; json: JsonObject }
  | { kind: 'failed'; reason: 'transport' | 'server' };

export interface WorkerCaller {
  call(endpoint: string, identity: WorkerIdentity, body: RequestBody, send: (request: Buffer) => Promise<HttpReply>): Promise<CallResult>;
  inFlight(): number;
}

const TOO_BUSY = /too busy/i;

/**
 * Sends one worker call and files it under the current phase: latency, and how the real worker
 * would read the reply (a JSON object with a numeric `duration`, else a failure).
 */
export const createWorkerCaller = (options: { stats: PhaseStats; phase: () => string; keepAlive: boolean }): WorkerCaller => {
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    async call(endpoint, identity, body, send) {
      const request = buildRequest({
        method: 'POST',
        path: `/api/${endpoint}`,
        body,
        headers: [`X-Forwarded-For: ${identity.address}`],
        keepAlive: options.keepAlive,
      });
      inFlight += 1;
      const started = performance.now();
      let reply: HttpReply | undefined;
      let transportFailed = false;
      let localFailure = false;
      try {
        reply = await send(request);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        transportFailed = true;
        localFailure = error.failure === 'local';
      } finally {
        inFlight -= 1;
      }
      const stats = statsFor(options.stats, options.phase(), endpoint);
      if (localFailure) {
        // Not a request: nothing reached the server, so neither a call nor a latency.
        stats.localErrors += 1;
        return { kind: 'failed', reason: 'transport' };
      }
      stats.calls += 1;
      record(stats.latency, (performance.now() - started) * 1000);
      if (transportFailed || reply === undefined) {
        stats.transportErrors += 1;
        return { kind: 'failed', reason: 'transport' };
      }
      let json: unknown;
      try {
        json = JSON.parse(reply.body);
      } catch {
        json = undefined;
      }
      if (reply.status >= 500 || typeof json !== 'object' || json === null || Array.isArray(json) || typeof (json as JsonObject)['duration'] !== 'number') {
        stats.serverErrors += 1;
        return { kind: 'failed', reason: 'server' };
      }
      const object = json as JsonObject;
      if (reply.status >= 400) stats.rejected += 1;
      else if (typeof object['error'] === 'string') stats.softErrors += 1;
      if (endpoint === 'request_task' && 'task_waiting' in object) {
        if (typeof object['info'] === 'string' && TOO_BUSY.test(object['info'])) stats.tooBusy += 1;
        else if (object['error'] === undefined) stats.noTask += 1;
      }
      return { kind: 'reply', status: reply.status, json: object };
    },
  };
};
