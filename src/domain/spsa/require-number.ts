import { fail, succeed, type SpsaResult } from './failure.js';
import { toPythonFloat } from './python/parse-float.js';

export interface NumberRule {
  /** Shown in the message, e.g. "alpha" or "field c_end". */
  readonly fieldName: string;
  /** 1-based line of the parameter text, when the value comes from it. */
  readonly lineNumber?: number;
  /** Every SPSA bound is zero: ">= 0", or "> 0" when strict. */
  readonly minimum?: 'non-negative' | 'positive';
}

/** A finite number, with upstream's "Invalid SPSA …" messages when it is not. */
export const requireSpsaNumber = (value: unknown, rule: NumberRule): SpsaResult<number> => {
  const location =
    rule.lineNumber === undefined
      ? rule.fieldName
      : `line ${rule.lineNumber} field ${rule.fieldName}`;
  const number = toPythonFloat(value);
  if (number === undefined || !Number.isFinite(number)) {
    return fail('invalid-input', `Invalid SPSA ${location}: expected a finite number`);
  }
  if (rule.minimum === 'positive' && !(number > 0)) {
    return fail('invalid-input', `Invalid SPSA ${location}: expected a finite number > 0`);
  }
  if (rule.minimum === 'non-negative' && number < 0) {
    return fail('invalid-input', `Invalid SPSA ${location}: expected a finite number >= 0`);
  }
  return succeed(number);
};
