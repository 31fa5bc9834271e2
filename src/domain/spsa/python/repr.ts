/** Characters Python's `str.isprintable()` rejects (the space itself is printable). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const hex = (codePoint: number, width: number): string =>
  codePoint.toString(16).padStart(width, '0');

const escapeCodePoint = (char: string, codePoint: number, quote: string): string => {
  if (char === quote || char === '\\') return `\\${char}`;
  if (char === '\t') return '\\t';
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (codePoint === 0x20 || !NOT_PRINTABLE.test(char)) return char;
  if (codePoint < 0x100) return `\\x${hex(codePoint, 2)}`;
  if (codePoint < 0x10000) return `\\u${hex(codePoint, 4)}`;
  return `\\U${hex(codePoint, 8)}`;
};

/** Python's `repr(text)` for a `str`. */
export const pyReprString = (text: string): string => {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    body += escapeCodePoint(char, char.codePointAt(0) ?? 0, quote);
  }
  return `${quote}${body}${quote}`;
};

/** Python's `repr(items)` for a `list[str]`. */
export const pyReprStringList = (items: readonly string[]): string =>
  `[${items.map(pyReprString).join(', ')}]`;
