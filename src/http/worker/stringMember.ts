import { isAscii } from 'node:buffer';
import {
  BACKSLASH,
  CARRIAGE_RETURN,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  isWhitespaceByte,
  LINE_FEED,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  TAB,
} from './asciiBytes.js';

const skipWhitespace = (body: Buffer, at: number): number => {
  while (isWhitespaceByte(body[at])) at++;
  return at;
};

/** The index after the string starting at `at` (an opening quote), or -1. */
const skipString = (body: Buffer, at: number): number => {
  let from = at + 1;
  for (;;) {
    const quote = body.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
};

/** The index after the value starting at `at`, or -1. Only finds its end: JSON.parse validates it later. */
const skipValue = (body: Buffer, at: number): number => {
  const first = body[at];
  if (first === QUOTE) return skipString(body, at);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    let index = at;
    while (index < body.length) {
      const byte = body[index];
      if (byte === QUOTE) {
        index = skipString(body, index);
        if (index < 0) return -1;
        continue;
      }
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
      index++;
      if (depth === 0) return index;
    }
    return -1;
  }
  let index = at;
  while (index < body.length) {
    const byte = body[index];
    if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isWhitespaceByte(byte)) break;
    index++;
  }
  return index === at ? -1 : index;
};

const keyIs = (body: Buffer, start: number, end: number, key: Buffer): boolean =>
  end - start === key.length && body.compare(key, 0, key.length, start, end) === 0;

export interface SplitBody {
  /** The body with the member's value emptied (`"key":""`), to parse as usual. */
  rest: Buffer;
  /** The member's value: its bytes, which are ASCII and exactly the string JSON.parse would return. */
  value: Buffer;
}

/**
 * Takes one large string member out of a JSON object body without decoding it as UTF-8 and
 * parsing it as JSON: a PGN upload is a megabyte of base64 inside a small object, and decoding,
 * scanning for prototype keys and parsing that string cost the event loop several times what
 * copying it does. Only a plain value qualifies (ASCII, no escape, no raw tab or line break),
 * whose bytes are exactly the string JSON.parse would return; for anything else (the member
 * absent, twice, not a string, escaped, or a body this scan cannot follow) it returns undefined
 * and the caller parses the whole body as before. The rest is parsed with all the usual checks.
 */
export const splitStringMember = (body: Buffer, name: string): SplitBody | undefined => {
  const key = Buffer.from(name, 'latin1');
  let at = skipWhitespace(body, 0);
  if (body[at] !== OPEN_OBJECT) return undefined;
  at = skipWhitespace(body, at + 1);
  let found: { start: number; end: number } | undefined;
  if (body[at] === CLOSE_OBJECT) return undefined;
  for (;;) {
    if (body[at] !== QUOTE) return undefined;
    const keyEnd = skipString(body, at);
    if (keyEnd < 0) return undefined;
    const isTheMember = keyIs(body, at + 1, keyEnd - 1, key);
    at = skipWhitespace(body, keyEnd);
    if (body[at] !== COLON) return undefined;
    at = skipWhitespace(body, at + 1);
    if (isTheMember) {
      if (found !== undefined || body[at] !== QUOTE) return undefined;
      const end = body.indexOf(QUOTE, at + 1);
      if (end < 0) return undefined;
      const value = body.subarray(at + 1, end);
      if (value.includes(BACKSLASH) || value.includes(LINE_FEED) || value.includes(CARRIAGE_RETURN) || value.includes(TAB) || !isAscii(value)) {
        return undefined;
      }
      found = { start: at + 1, end };
      at = end + 1;
    } else {
      at = skipValue(body, at);
      if (at < 0) return undefined;
    }
    at = skipWhitespace(body, at);
    if (body[at] === COMMA) {
      at = skipWhitespace(body, at + 1);
      continue;
    }
    if (body[at] !== CLOSE_OBJECT) return undefined;
    if (skipWhitespace(body, at + 1) !== body.length || found === undefined) return undefined;
    return {
      rest: Buffer.concat([body.subarray(0, found.start), body.subarray(found.end)]),
      value: body.subarray(found.start, found.end),
    };
  }
};
