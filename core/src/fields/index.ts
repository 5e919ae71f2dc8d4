// The field-type registry: one module per type in this folder, each holding its settings, its
// definition and value checks, its TypeScript type and its admin widget (spec.ts).
import type { FieldType } from '../types.js';
import { booleanField } from './boolean.js';
import { colorField } from './color.js';
import { dateField } from './date.js';
import { datetimeField } from './datetime.js';
import { emailField } from './email.js';
import { fileField } from './file.js';
import { imageField } from './image.js';
import { listField } from './list.js';
import { markdownField } from './markdown.js';
import { numberField } from './number.js';
import { objectField } from './object.js';
import { relationField } from './relation.js';
import { selectField } from './select.js';
import { slugField } from './slug.js';
import type { FieldTypeSpec } from './spec.js';
import { stringField } from './string.js';
import { textField } from './text.js';
import { urlField } from './url.js';

export type { AnyField, DefinitionChecking, FieldTypeSpec, TsRenderer, ValueChecking } from './spec.js';

/** Every field type, by name. A `Record` over FieldType: a type without a module does not compile. */
export const FIELD_SPECS: Readonly<Record<FieldType, FieldTypeSpec>> = {
  string: stringField,
  text: textField,
  markdown: markdownField,
  number: numberField,
  boolean: booleanField,
  date: dateField,
  datetime: datetimeField,
  select: selectField,
  list: listField,
  object: objectField,
  relation: relationField,
  image: imageField,
  file: fileField,
  url: urlField,
  email: emailField,
  color: colorField,
  slug: slugField,
};

/** Settings that apply to some types only: setting → the types it applies to. */
export const TYPE_SETTINGS: ReadonlyMap<string, readonly FieldType[]> = (() => {
  const out = new Map<string, FieldType[]>();
  for (const spec of Object.values(FIELD_SPECS))
    for (const key of spec.keys) out.set(key, [...(out.get(key) ?? []), spec.type]);
  return out;
})();
