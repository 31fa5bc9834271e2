import { isPythonWhitespace } from './whitespace.js';

const DECIMAL_DIGIT = /\p{Nd}/u;
const ASCII_WHITESPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const DIGITS = String.raw`\d(?:_?\d)*`;
const FINITE_LITERAL = new RegExp(
  String.raw`^[+-]?(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.?)(?:[eE][+-]?${DIGITS})?$`,
);
const INFINITY_LITERAL = /^([+-]?)(?:inf|infinity)$/i;
const NAN_LITERAL = /^[+-]?nan$/i;

/**
 * Unicode guarantees decimal digits come in contiguous runs starting at zero, so a digit's
 * value is its distance from the start of its run, modulo ten.
 */
const decimalDigitValue = (codePoint: number): number => {
  let runStart = codePoint;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(runStart - 1))) runStart -= 1;
  return (codePoint - runStart) % 10;
};

/**
 * Like CPython, first map non-ASCII whitespace to a space and non-ASCII decimal digits to ASCII
 * digits; any other non-ASCII character makes the text invalid.
 */
const toAsciiForm = (text: string): string | undefined => {
  let ascii = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint < 0x80) ascii += char;
    else if (isPythonWhitespace(codePoint)) ascii += ' ';
    else if (DECIMAL_DIGIT.test(char)) ascii += String(decimalDigitValue(codePoint));
    else return undefined;
  }
  return ascii;
};

/**
 * Python's `float(text)`: surrounding whitespace, underscores between digits, non-ASCII
 * decimal digits, and the names inf/infinity/nan. Returns `undefined` where Python raises.
 */
export const parsePythonFloat = (text: string): number | undefined => {
  const ascii = toAsciiForm(text);
  if (ascii === undefined) return undefined;
  const literal = ascii.replace(ASCII_WHITESPACE, '');
  if (FINITE_LITERAL.test(literal)) return Number(literal.replaceAll('_', ''));
  const infinity = INFINITY_LITERAL.exec(literal);
  if (infinity) return infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (NAN_LITERAL.test(literal)) return Number.NaN;
  return undefined;
};

/** Python's `float(value)` for the values a form or a stored document can hold. */
export const toPythonFloat = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parsePythonFloat(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
};
