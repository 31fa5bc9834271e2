import type { FastifyInstance, FastifyRequest } from 'fastify';
import { splitStringMember } from './stringMember.js';

export type ParseDone = (error: Error | null, body?: unknown) => void;

/** The pgn member's bytes, for requests whose body uploadBodyParser split. */
const splitPgn = new WeakMap<FastifyRequest, Buffer>();

/**
 * The base64 text of an upload as the body parser left it: bytes when the parser took it out of
 * the raw body (the parsed body then holds an empty string in its place), else the parsed string.
 */
export const uploadedPgnText = (request: FastifyRequest, parsed: string | undefined): Buffer | string | undefined =>
  splitPgn.get(request) ?? parsed;

export type BodyParser<Body> = (request: FastifyRequest, body: Body, done: ParseDone) => void;

/**
 * The JSON body parser of `upload_pgn`: the PGN member skips the UTF-8 decoding and the JSON scan
 * (see splitStringMember) and stays bytes (uploadedPgnText); the rest of the body goes through the
 * app's own JSON parser, with its prototype-poisoning checks and its errors, as does a whole body
 * the split does not take.
 */
export const uploadBodyParser = (app: FastifyInstance): BodyParser<Buffer> => {
  // Fastify's type also allows the promise form; the default JSON parser is the callback one.
  const parseJson = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  ) as BodyParser<string>;
  return (request, body, done) => {
    const split = splitStringMember(body, 'pgn');
    if (split === undefined) {
      parseJson(request, body.toString('utf8'), done);
      return;
    }
    parseJson(request, split.rest.toString('utf8'), (error, parsed) => {
      if (!error) splitPgn.set(request, split.value);
      done(error, parsed);
    });
  };
};
