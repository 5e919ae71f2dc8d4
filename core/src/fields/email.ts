import { checkLengths, EMAIL } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** An email address. */
export const emailField: FieldTypeSpec = {
  type: 'email',
  keys: ['minLength', 'maxLength', 'pattern'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string' || !EMAIL.test(value))
      return void issues.push({ path: at, message: 'must be an email address' });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  tsDoc: () => 'email',
  widget: 'mimsy-text-input',
};
