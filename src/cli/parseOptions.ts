import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict parsing of one command's arguments: unknown options, missing values and a wrong number
 * of positionals become UsageErrors naming what is wrong.
 */
export const parseOptions = <const Options extends OptionsConfig>(
  argv: readonly string[],
  options: Options,
  positionals: { names: readonly string[]; optional?: number },
) => {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const required = positionals.names.length - (positionals.optional ?? 0);
  if (parsed.positionals.length < required) {
    const missing = positionals.names.slice(parsed.positionals.length, required).map((name) => `<${name}>`);
    throw new UsageError(`missing ${missing.join(' ')}`);
  }
  if (parsed.positionals.length > positionals.names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.names.length])}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
};
