/**
 * Python's `int()` and `float()` on form strings, with Python's error texts (upstream shows
 * them to the user as is).
 */
const pythonRepr = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const INT_TEXT = /^\s*[+-]?\d+(_\d+)*\s*$/;
const FLOAT_TEXT = /^\s*[+-]?((\d+(_\d+)*)?\.?\d+(_\d+)*|\d+(_\d+)*\.)([eE][+-]?\d+(_\d+)*)?\s*$/;

export type Parsed = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

export const pythonInt = (value: string | number): Parsed => {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { ok: true, value } : { ok: false, message: `invalid literal for int() with base 10: '${value}'` };
  }
  if (!INT_TEXT.test(value)) return { ok: false, message: `invalid literal for int() with base 10: ${pythonRepr(value)}` };
  return { ok: true, value: Number(value.trim().replace(/_/g, '')) };
};

/** Like Python's float(), except that infinities and NaN are refused: no run can use them. */
export const pythonFloat = (value: string | number): Parsed => {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `could not convert string to float: '${value}'` };
  }
  if (!FLOAT_TEXT.test(value)) return { ok: false, message: `could not convert string to float: ${pythonRepr(value)}` };
  return { ok: true, value: Number(value.trim().replace(/_/g, '')) };
};
