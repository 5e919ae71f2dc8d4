import { COLOR } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A hex colour, #rgb to #rrggbbaa. */
export const colorField: FieldTypeSpec = {
  type: 'color',
  keys: [],
  validate(_field, value, at, issues) {
    if (typeof value !== 'string' || !COLOR.test(value))
      issues.push({ path: at, message: 'must be a hex colour like #1a2b3c' });
  },
  tsType: () => 'string',
  tsDoc: () => 'color',
  widget: 'mimsy-text-input',
};
