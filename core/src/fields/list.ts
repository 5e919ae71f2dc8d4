import { describe, isPlainObject } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** A list of values of one type (`of`), with at least `min` and at most `max` items. */
export const listField: FieldTypeSpec = {
  type: 'list',
  keys: ['min', 'max', 'of'],
  arrayValued: () => true,
  checkDefinition(raw, at, c) {
    if (!isPlainObject(raw.of))
      return c.add(
        at + '/of',
        'a list field needs "of", the type of its items',
        'Add e.g. "of": { "type": "string" }.',
      );
    if ('name' in raw.of)
      c.add(at + '/of/name', 'the items of a list have no name', 'Remove "name" from "of".');
    if (raw.of.type === 'markdown')
      c.add(at + '/of/type', 'list items cannot be markdown bodies', 'Use "text" for the items.');
    c.checkField(raw.of, at + '/of', { inList: true, collection: false });
  },
  validate(field, value, at, issues, c) {
    if (!Array.isArray(value))
      return void issues.push({ path: at, message: `must be a list, not ${describe(value)}` });
    if (typeof field.min === 'number' && value.length < field.min)
      issues.push({ path: at, message: `must have at least ${field.min} items` });
    if (typeof field.max === 'number' && value.length > field.max)
      issues.push({ path: at, message: `must have at most ${field.max} items` });
    const of = field.of;
    if (of) value.forEach((item, i) => c.check(of, item, `${at}/${i}`));
  },
  tsType: (field, indent, nested) => `Array<${field.of ? nested.field(field.of, indent) : 'unknown'}>`,
  widget: 'mimsy-list',
};
