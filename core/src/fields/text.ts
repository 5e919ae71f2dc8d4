import { checkLengths, describe } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** Several lines of plain text. */
export const textField: FieldTypeSpec = {
  type: 'text',
  keys: ['minLength', 'maxLength', 'pattern'],
  validate(field, value, at, issues) {
    if (typeof value !== 'string')
      return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  widget: 'mimsy-textarea',
};
