import { checkRange, isValidDateTime } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A date and time (ISO 8601, or as Hugo and Jekyll write them), optionally within min…max. */
export const datetimeField: FieldTypeSpec = {
  type: 'datetime',
  keys: ['min', 'max'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string' || !isValidDateTime(value))
      return void issues.push({ path: at, message: 'must be a date and time, like 2026-11-28T09:30:00Z' });
    checkRange(field, value, at, issues);
  },
  tsType: () => 'string',
  tsDoc: () => 'datetime',
  widget: 'mimsy-text-input',
};
