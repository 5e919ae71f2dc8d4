import { checkLengths, describe } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** Markdown: the body of a Markdown entry, or Markdown inside front matter. */
export const markdownField: FieldTypeSpec = {
  type: 'markdown',
  keys: ['minLength', 'maxLength'],
  validate(field, value, at, issues) {
    if (typeof value !== 'string')
      return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  widget: 'mimsy-markdown',
};
