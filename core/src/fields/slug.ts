import { checkLengths, describe, SINGLE_SEGMENT_SLUG } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A URL-safe name: lowercase letters, digits, ".", "_" and "-". */
export const slugField: FieldTypeSpec = {
  type: 'slug',
  keys: ['minLength', 'maxLength', 'pattern'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string')
      return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
    if (!SINGLE_SEGMENT_SLUG.test(value))
      issues.push({ path: at, message: 'must be a slug: lowercase letters, digits, ".", "_" and "-"' });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  tsDoc: () => 'slug',
  widget: 'mimsy-text-input',
};
