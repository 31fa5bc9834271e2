import { fail, succeed, type SpsaResult } from './failure.js';
import { pyPow } from './python/arithmetic.js';
import { pyReprStringList } from './python/repr.js';
import { pyStrip } from './python/whitespace.js';
import { requireSpsaNumber, type NumberRule } from './require-number.js';
import type { SpsaParam } from './types.js';

const FIELDS_PER_LINE = 6;

/** The run-wide settings the derived gains of each parameter depend on. */
export interface SpsaGainSettings {
  readonly A: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly num_iter: number;
}

type LineField = 'start' | 'min' | 'max' | 'c_end' | 'r_end';

const LINE_FIELDS: readonly [LineField, NumberRule['minimum']][] = [
  ['start', undefined],
  ['min', undefined],
  ['max', undefined],
  ['c_end', 'positive'],
  ['r_end', 'non-negative'],
];

const checkSettings = (settings: SpsaGainSettings): SpsaResult<SpsaGainSettings> => {
  for (const field of ['A', 'alpha', 'gamma', 'num_iter'] as const) {
    const checked = requireSpsaNumber(settings[field], { fieldName: field, minimum: 'non-negative' });
    if (!checked.ok) return checked;
  }
  return succeed(settings);
};

const deriveGains = (
  line: Record<LineField, number> & { name: string },
  { A, alpha, gamma, num_iter }: SpsaGainSettings,
): SpsaResult<SpsaParam> => {
  const cGrowth = pyPow(num_iter, gamma);
  if (!cGrowth.ok) return cGrowth;
  const c = line.c_end * cGrowth.value;
  const cEndSquared = pyPow(line.c_end, 2);
  if (!cEndSquared.ok) return cEndSquared;
  const a_end = line.r_end * cEndSquared.value;
  const aGrowth = pyPow(A + num_iter, alpha);
  if (!aGrowth.ok) return aGrowth;
  return succeed({ ...line, c, a_end, a: a_end * aGrowth.value, theta: line.start });
};

/**
 * Parses `name,start,min,max,c_end,r_end` lines (blank lines skipped, line numbers counted
 * from 1 including them) and derives c, a_end, a and theta for each parameter. The first
 * problem found is returned with upstream's message.
 */
export const parseSpsaParams = (
  rawParams: string,
  settings: SpsaGainSettings,
): SpsaResult<SpsaParam[]> => {
  const checkedSettings = checkSettings(settings);
  if (!checkedSettings.ok) return checkedSettings;

  const params: SpsaParam[] = [];
  const lines = rawParams.split('\n');
  for (const [index, line] of lines.entries()) {
    const chunks = pyStrip(line).split(',');
    if (chunks.length === 1 && chunks[0] === '') continue;
    if (chunks.length !== FIELDS_PER_LINE) {
      return fail(
        'invalid-input',
        `the line ${pyReprStringList(chunks)} does not have ${FIELDS_PER_LINE} entries`,
      );
    }
    const values: Partial<Record<LineField, number>> = {};
    for (const [position, [field, minimum]] of LINE_FIELDS.entries()) {
      const checked = requireSpsaNumber(chunks[position + 1], {
        fieldName: field,
        lineNumber: index + 1,
        ...(minimum === undefined ? {} : { minimum }),
      });
      if (!checked.ok) return checked;
      values[field] = checked.value;
    }
    const param = deriveGains(
      { name: chunks[0] ?? '', ...(values as Record<LineField, number>) },
      settings,
    );
    if (!param.ok) return param;
    params.push(param.value);
  }
  return succeed(params);
};
