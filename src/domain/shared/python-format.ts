/**
 * Number formatting as Python's format specs do it, for messages whose text must match
 * upstream's (`{x:.2f}`, `{x:.1%}`, `{x:.0%}`): ties round half to even, negative zero keeps
 * its sign, and infinities and NaN print as `inf` and `nan`.
 */
export const formatFixed = (x: number, digits: number): string => {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const magnitude = Math.abs(x);
  const scaled = magnitude * 10 ** digits;
  let text: string;
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled) && scaled < Number.MAX_SAFE_INTEGER) {
    // An exact tie: Python rounds half to even where JavaScript's toFixed rounds up.
    const down = Math.floor(scaled);
    const rounded = down % 2 === 0 ? down : down + 1;
    text = (rounded / 10 ** digits).toFixed(digits);
  } else {
    text = magnitude.toFixed(digits);
  }
  return negative ? `-${text}` : text;
};

/** Python's `{x:.Np}`-style percent: `{0.1234:.1%}` → "12.3%". */
export const formatPercent = (x: number, digits: number): string => `${formatFixed(x * 100, digits)}%`;

/** Python's `str()` of an int list with the spaces removed: `[1,2,3]`. */
export const formatIntList = (values: readonly number[]): string => `[${values.join(',')}]`;
