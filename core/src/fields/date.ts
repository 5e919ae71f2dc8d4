import { checkRange, isValidDate } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A calendar date, YYYY-MM-DD, optionally within min…max. */
export const dateField: FieldTypeSpec = {
  type: 'date',
  keys: ['min', 'max'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string' || !isValidDate(value))
      return void issues.push({ path: at, message: 'must be a date like 2026-11-28' });
    checkRange(field, value, at, issues);
  },
  tsType: () => 'string',
  tsDoc: () => 'date',
  widget: 'mimsy-text-input',
};
