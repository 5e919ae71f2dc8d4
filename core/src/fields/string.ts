import { checkLengths, describe } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** One line of text. */
export const stringField: FieldTypeSpec = {
  type: 'string',
  keys: ['minLength', 'maxLength', 'pattern'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string')
      return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
    if (/[\r\n]/.test(value)) issues.push({ path: at, message: 'must be a single line' });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  widget: 'mimsy-text-input',
};
