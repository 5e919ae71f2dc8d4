import { describe } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** true or false. */
export const booleanField: FieldTypeSpec = {
  type: 'boolean',
  keys: [],
  validate(_field, value, at, issues) {
    if (typeof value !== 'boolean')
      issues.push({ path: at, message: `must be true or false, not ${describe(value)}` });
  },
  tsType: () => 'boolean',
  widget: 'mimsy-checkbox',
};
