/**
 * What parsing a PGN upload's JSON body and decoding its base64 cost the event loop: the app's JSON
 * parser over the whole body (decoded as UTF-8 first, as every other route gets it) and the string
 * decoder, against upload_pgn's own parser (src/http/worker/uploadBodyParser.ts) and its decoder
 * of the bytes, for uploads of several sizes (the fleet benchmark's payloads: gzip of about 1 KB a
 * game, base64). Copying the body once is printed beside them. It asserts nothing. See
 * docs/benchmarks.md, "What limits the server".
 *
 *   npx tsx bench/uploadBody.ts [seconds per figure, default 1]   (also part of `npm run bench`)
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyRequest } from 'fastify';
import { decodeBase64, decodeUploadedBase64 } from '../src/http/worker/pgnPayload.js';
import type { BodyParser, ParseDone } from '../src/http/worker/uploadBodyParser.js';
import { uploadBodyParser, uploadedPgnText } from '../src/http/worker/uploadBodyParser.js';
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

const parsed = (parse: (done: ParseDone) => void): { pgn?: string } => {
  let body: unknown;
  parse((error, result) => {
    if (error) throw error;
    body = result;
  });
  return body as { pgn?: string };
};

const decodedOrThrow = (bytes: Buffer | undefined): Buffer => {
  if (bytes === undefined) throw new Error('the payload is not base64');
  return bytes;
};

export const main = (seconds = 1): void => {
  const app = Fastify();
  const wholeBody = app.getDefaultJsonParser('error', 'error') as BodyParser<string>;
  const splitting = uploadBodyParser(app);
  const request = {} as FastifyRequest;
  const payloads = createPgnPayloads(1000);
  console.log(
    'games  body bytes  copy once  whole body (utf8, JSON.parse, checks) + decoding  split, pgn as one string + decoding  split, pgn bytes decoded in pieces',
  );
  for (const games of [50, 250, 1000]) {
    const head = Buffer.from(`{"password":"secret","worker_info":{"username":"someone","concurrency":8},"run_id":"0123456789abcdef01234567","task_id":3,"message":"","pgn":"`);
    const body = Buffer.concat([head, payloads.payload(games), Buffer.from('"}')]);
    const copy = measure(seconds, () => void Buffer.concat([body]));
    const whole = measure(seconds, () => {
      const pgn = parsed((done) => wholeBody(request, body.toString('utf8'), done)).pgn ?? '';
      decodedOrThrow(decodeBase64(pgn));
    });
    const splitText = (): Buffer | string => uploadedPgnText(request, parsed((done) => splitting(request, body, done)).pgn) ?? '';
    const oneString = measure(seconds, () => {
      const text = splitText();
      decodedOrThrow(decodeBase64(typeof text === 'string' ? text : text.toString('latin1')));
    });
    const pieces = measure(seconds, () => void decodedOrThrow(decodeUploadedBase64(splitText())));
    console.log(
      `${String(games).padStart(5)}  ${String(body.length).padStart(10)}  ${copy.toFixed(0).padStart(6)} µs  ${whole.toFixed(0).padStart(46)} µs  ${oneString.toFixed(0).padStart(34)} µs  ${pieces.toFixed(0).padStart(31)} µs`,
    );
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv[2] === undefined ? undefined : Number(process.argv[2]));
}
