import { describe, isPlainObject } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A group of named fields (`fields`). */
export const objectField: FieldTypeSpec = {
  type: 'object',
  keys: ['fields'],
  checkDefinition(raw, at, c) {
    if (!Array.isArray(raw.fields) || raw.fields.length === 0)
      return c.add(
        at + '/fields',
        'an object field needs "fields"',
        'Add e.g. "fields": [{ "name": "alt", "type": "string" }].',
      );
    c.checkFields(raw.fields, at + '/fields');
  },
  validate(field, value, at, issues, c) {
    if (!isPlainObject(value))
      return void issues.push({ path: at, message: `must be an object, not ${describe(value)}` });
    c.checkFields(field.fields ?? [], value, at);
  },
  tsType: (field, indent, nested) => nested.object(field.fields ?? [], indent),
  widget: 'mimsy-object',
};
