/** UCI engine options as `key=value` tokens separated by single spaces (e.g. "Hash=16 Threads=1"). */
const OPTION_TOKEN = /^[^\s=]+=[^\s=]+$/;

export type OptionsCheck = { readonly ok: true; readonly options: string } | { readonly ok: false; readonly message: string };

const isAscii = (text: string): boolean => [...text].every((character) => character.charCodeAt(0) < 128);

/** Upstream `sanitize_options`: ASCII only, every token `key=value`, whitespace collapsed. */
export const sanitizeOptions = (options: string): OptionsCheck => {
  if (!isAscii(options)) return { ok: false, message: 'Options must contain only ASCII characters' };
  // Python's str.split() with no argument splits on runs of whitespace and drops the ends.
  const tokens = options.split(/\s+/).filter((token) => token !== '');
  if (!tokens.every((token) => OPTION_TOKEN.test(token))) {
    return {
      ok: false,
      message: "Each option must be a 'key=value' pair with no extra spaces and exactly one '='",
    };
  }
  return { ok: true, options: tokens.join(' ') };
};

/** The `Hash=` value in MiB, 0 when absent (upstream `get_hash`). */
export const hashOption = (options: string): number => {
  const match = /Hash=([0-9]+)/.exec(options);
  return match ? Number(match[1]) : 0;
};
