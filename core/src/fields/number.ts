import { describe } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A number, optionally whole and within min…max. */
export const numberField: FieldTypeSpec = {
  type: 'number',
  keys: ['min', 'max', 'integer'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return void issues.push({ path: at, message: `must be a number, not ${describe(value)}` });
    if (field.integer && !Number.isInteger(value))
      issues.push({ path: at, message: 'must be a whole number' });
    if (typeof field.min === 'number' && value < field.min)
      issues.push({ path: at, message: `must be at least ${field.min}` });
    if (typeof field.max === 'number' && value > field.max)
      issues.push({ path: at, message: `must be at most ${field.max}` });
  },
  tsType: () => 'number',
  widget: 'mimsy-text-input',
};
