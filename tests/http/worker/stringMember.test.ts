import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitStringMember } from '../../../src/http/worker/stringMember.js';

const split = (text: string) => splitStringMember(Buffer.from(text, 'utf8'), 'pgn');
const valueOf = (text: string): string | undefined => split(text)?.value.toString('latin1');

/** What the caller does with a split: parse the rest, then put the value back. */
const reassembled = (text: string): unknown => {
  const parts = split(text);
  if (parts === undefined) return undefined;
  return { ...(JSON.parse(parts.rest.toString('utf8')) as object), pgn: parts.value.toString('latin1') };
};

describe('taking a large string member out of a JSON body', () => {
  it('takes the member wherever it is, with any whitespace, and leaves an empty string in its place', () => {
    const parts = split(' {\n "run_id" : "abc" ,\t"pgn" :  "H4sI+/=="  , "task_id":3 }\r\n');
    expect(parts?.value.toString('latin1')).toBe('H4sI+/==');
    expect(JSON.parse(parts!.rest.toString('utf8'))).toEqual({ run_id: 'abc', pgn: '', task_id: 3 });
    expect(valueOf('{"pgn":"QUJD"}')).toBe('QUJD');
    expect(valueOf('{"a":1,"pgn":"QUJD"}')).toBe('QUJD');
  });

  it('steps over nested objects, arrays and strings holding quotes, braces and escapes', () => {
    const body = JSON.stringify({
      password: 'p"a}s\\s{',
      worker_info: { architecture: ['64bit', 'E"L]F'], nested: { deep: [1, { pgn: 'not this one' }] }, modified: true, nps: 0.0 },
      'p\\gn': 'x',
      pgn: 'QUJD',
      task_id: -1.5e3,
      none: null,
    });
    expect(reassembled(body)).toEqual(JSON.parse(body));
    expect(valueOf(body)).toBe('QUJD');
  });

  it.each([
    ['no pgn member', '{"run_id":"abc"}'],
    ['an empty object', '{}'],
    ['the member twice', '{"pgn":"QUJD","pgn":"REVG"}'],
    ['a value that is not a string', '{"pgn":123}'],
    ['an escape in the value', '{"pgn":"QU\\/JD"}'],
    ['an escaped key', '{"p\\u0067n":"QUJD"}'],
    ['a raw line break in the value', '{"pgn":"QU\nJD"}'],
    ['a raw tab in the value', '{"pgn":"QU\tJD"}'],
    ['a non-ASCII value', '{"pgn":"QUJé"}'],
    ['a body that is not an object', '["pgn","QUJD"]'],
    ['trailing bytes', '{"pgn":"QUJD"} x'],
    ['an unterminated value', '{"pgn":"QUJD'],
    ['an unterminated body', '{"pgn":"QUJD",'],
    ['a missing colon', '{"pgn" "QUJD"}'],
    ['an empty body', ''],
  ])('leaves the whole body to the JSON parser for %s', (_case, text) => {
    expect(split(text)).toBeUndefined();
  });

  it('agrees with JSON.parse on any object holding a base64 pgn member', () => {
    const base64 = fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64'));
    const other = fc.dictionary(
      fc.string().filter((key) => key !== 'pgn' && key !== '__proto__'),
      fc.jsonValue(),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(other, base64, fc.nat(), fc.constantFrom('', ' ', '\n  '), (members, pgn, position, space) => {
        const entries = Object.entries(members);
        entries.splice(position % (entries.length + 1), 0, ['pgn', pgn]);
        const body = JSON.stringify(Object.fromEntries(entries), undefined, space);
        expect(reassembled(body)).toEqual(JSON.parse(body));
      }),
    );
  });
});
