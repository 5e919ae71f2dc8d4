import { checkLengths, isValidUrl } from './checks.js';
import type { FieldTypeSpec } from './spec.js';

/** An http(s), mailto: or tel: URL, or a site path. */
export const urlField: FieldTypeSpec = {
  type: 'url',
  keys: ['minLength', 'maxLength', 'pattern'],
  uniqueable: true,
  validate(field, value, at, issues) {
    if (typeof value !== 'string' || !isValidUrl(value))
      return void issues.push({
        path: at,
        message: 'must be an http(s), mailto: or tel: URL, or a path starting with "/"',
      });
    checkLengths(field, value, at, issues);
  },
  tsType: () => 'string',
  tsDoc: () => 'url',
  widget: 'mimsy-text-input',
};
