/**
 * What parsing a PGN upload's JSON body costs the event loop: the app's JSON parser over the whole
 * body (decoded as UTF-8 first, as every other route gets it) against upload_pgn's own parser
 * (src/http/worker/uploadBodyParser.ts), for uploads of several sizes (the fleet benchmark's
 * payloads: gzip of about 1 KB a game, base64). Copying the body once is printed beside them.
 * It asserts nothing. See docs/benchmarks.md, "What limits the server".
 *
 *   npx tsx bench/uploadBody.ts [seconds per figure, default 1]   (also part of `npm run bench`)
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyRequest } from 'fastify';
import type { BodyParser, ParseDone } from '../src/http/worker/uploadBodyParser.js';
import { uploadBodyParser } from '../src/http/worker/uploadBodyParser.js';
import { createPgnPayloads } from './fleet/pgnPayloads.js';

/** Mean µs per call of `work` over `seconds`, after a short warm-up. */
const measure = (seconds: number, work: () => void): number => {
  for (let i = 0; i < 20; i++) work();
  let calls = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 10; i++) work();
    calls += 10;
  }
  return ((performance.now() - started) * 1000) / calls;
};

const parsed = (parse: (done: ParseDone) => void): void => {
  parse((error) => {
    if (error) throw error;
  });
};

export const main = (seconds = 1): void => {
  const app = Fastify();
  const wholeBody = app.getDefaultJsonParser('error', 'error') as BodyParser<string>;
  const splitting = uploadBodyParser(app);
  const request = {} as FastifyRequest;
  const payloads = createPgnPayloads(1000);
  console.log('games  body bytes  copy once  whole body (utf8 + JSON.parse + checks)  upload_pgn parser');
  for (const games of [50, 250, 1000]) {
    const head = Buffer.from(`{"password":"secret","worker_info":{"username":"someone","concurrency":8},"run_id":"0123456789abcdef01234567","task_id":3,"message":"","pgn":"`);
    const body = Buffer.concat([head, payloads.payload(games), Buffer.from('"}')]);
    const copy = measure(seconds, () => void Buffer.concat([body]));
    const whole = measure(seconds, () => parsed((done) => wholeBody(request, body.toString('utf8'), done)));
    const split = measure(seconds, () => parsed((done) => splitting(request, body, done)));
    console.log(
      `${String(games).padStart(5)}  ${String(body.length).padStart(10)}  ${copy.toFixed(0).padStart(6)} µs  ${whole.toFixed(0).padStart(36)} µs  ${split.toFixed(0).padStart(14)} µs`,
    );
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv[2] === undefined ? undefined : Number(process.argv[2]));
}
