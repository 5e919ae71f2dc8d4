import { isPlainObject, optionValue } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** One of a fixed set of options, or several (`multiple`). */
export const selectField: FieldTypeSpec = {
  type: 'select',
  keys: ['options', 'multiple'],
  arrayValued: (field) => field.multiple === true,
  checkDefinition(raw, at, c) {
    const options = raw.options;
    if (!Array.isArray(options) || options.length === 0)
      return c.add(
        at + '/options',
        'a select field needs options',
        'Add "options": ["draft", "published"] (or objects with "value" and "label").',
      );
    const seen = new Set<string>();
    options.forEach((o: unknown, i) => {
      const ok =
        typeof o === 'string' ||
        (isPlainObject(o) &&
          typeof o.value === 'string' &&
          (o.label === undefined || typeof o.label === 'string'));
      if (!ok)
        return c.add(
          `${at}/options/${i}`,
          'an option must be text or { "value", "label" }',
          'Write e.g. "draft" or { "value": "draft", "label": "Draft" }.',
        );
      const value = optionValue(o as string);
      if (seen.has(value))
        c.add(`${at}/options/${i}`, `the option "${value}" is listed twice`, 'Remove the duplicate.');
      seen.add(value);
    });
  },
  validate(field, value, at, issues) {
    const allowed = (field.options ?? []).map(optionValue);
    const shown = allowed.slice(0, 10).join(', ');
    if (field.multiple) {
      if (!Array.isArray(value)) return void issues.push({ path: at, message: 'must be a list of options' });
      const seen = new Set<unknown>();
      value.forEach((v, i) => {
        if (typeof v !== 'string' || !allowed.includes(v))
          issues.push({ path: `${at}/${i}`, message: `must be one of: ${shown}` });
        else if (seen.has(v)) issues.push({ path: `${at}/${i}`, message: `"${v}" is chosen twice` });
        seen.add(v);
      });
      return;
    }
    if (typeof value !== 'string' || !allowed.includes(value))
      issues.push({ path: at, message: `must be one of: ${shown}` });
  },
  tsType(field) {
    const union = (field.options ?? []).map((o) => JSON.stringify(optionValue(o))).join(' | ') || 'string';
    return field.multiple ? `Array<${union}>` : union;
  },
  widget: 'mimsy-select',
};
