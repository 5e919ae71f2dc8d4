import { suggest } from '../suggest.js';
import { idProblem } from '../slugs.js';
import type { FieldTypeSpec } from './spec.js';

/** The id of an entry of another collection (`schema`), or several (`multiple`). */
export const relationField: FieldTypeSpec = {
  type: 'relation',
  keys: ['multiple', 'schema'],
  arrayValued: (field) => field.multiple === true,
  checkDefinition(raw, at, c) {
    if (typeof raw.schema !== 'string')
      return c.add(
        at + '/schema',
        'a relation needs the schema it points to',
        'Add e.g. "schema": "authors".',
      );
    if (!c.schemaNames.includes(raw.schema)) {
      const guess = suggest(raw.schema, c.schemaNames);
      return c.add(
        at + '/schema',
        `the relation points to "${raw.schema}", and there is no such schema`,
        guess
          ? `Did you mean "${guess}"?`
          : `Create schemas/${raw.schema}.json or point to one of: ${c.schemaNames.join(', ') || '(none yet)'}.`,
      );
    }
    if (c.kinds?.get(raw.schema) === 'singleton')
      c.add(
        at + '/schema',
        `"${raw.schema}" is a singleton; a relation points to entries of a collection`,
        'Point it to a collection.',
      );
  },
  validate(field, value, at, issues, c) {
    const check = (v: unknown, p: string): void => {
      if (typeof v !== 'string' || idProblem(v) !== null)
        return void issues.push({ path: p, message: 'must be the id of an entry' });
      if (c.lookup && field.schema && !c.lookup(field.schema, v))
        issues.push({ path: p, message: `points to ${field.schema}/${v}, which does not exist` });
    };
    if (!field.multiple) return check(value, at);
    if (!Array.isArray(value)) return void issues.push({ path: at, message: 'must be a list of slugs' });
    value.forEach((v, i) => check(v, `${at}/${i}`));
  },
  tsType: (field) => (field.multiple ? 'string[]' : 'string'),
  tsDoc: (field) => `slug of a ${field.schema} entry`,
  widget: 'mimsy-relation',
};
