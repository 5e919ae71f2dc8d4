import type { Issue } from './errors.js';
import { pointer } from './errors.js';
import { suggest } from './suggest.js';
import type { Field, Schema } from './types.js';
import { isEmpty, type RelationLookup, type ValidationContext } from './fields/checks.js';
import { FIELD_SPECS, type AnyField, type ValueChecking } from './fields/index.js';

export {
  dateTimeMs,
  isEmpty,
  isValidDate,
  isValidDateTime,
  optionValue,
  usePatternEngine,
  type RelationLookup,
  type ValidationContext,
} from './fields/checks.js';
export { FIELD_SPECS, TYPE_SETTINGS, type FieldTypeSpec } from './fields/index.js';

/**
 * Checks one value against its field (the field type's own check, from the registry in
 * fields/). Absent values are only a problem when the field is required. `at` is the JSON
 * pointer of the value.
 */
export function validateValue(
  field: AnyField,
  value: unknown,
  at: string,
  issues: Issue[],
  context: ValidationContext = {},
): void {
  const spec = FIELD_SPECS[field.type];
  const empty =
    value === undefined ||
    value === null ||
    value === '' ||
    (spec.arrayValued?.(field) === true && Array.isArray(value) && value.length === 0);
  if (empty) {
    if (field.required) issues.push({ path: at, message: 'is required' });
    return;
  }
  const checking: ValueChecking = {
    ...context,
    check: (f, v, p) => validateValue(f, v, p, issues, context),
    checkFields: (fields, v, p) => validateFields(fields, v, p, issues, context),
  };
  spec.validate(field, value, at, issues, checking);
}

/** Validates an object's declared fields; keys that no field declares are left alone (kept). */
export function validateFields(
  fields: Field[],
  data: Record<string, unknown>,
  at: string,
  issues: Issue[],
  context: ValidationContext = {},
): void {
  for (const field of fields)
    validateValue(field, data[field.name], at + pointer(field.name), issues, context);
  altTextIssues(fields, data, at, issues);
}

/**
 * An image field with `alt` names the field beside it that describes the image: once there is an
 * image, that description is needed (for people who cannot see it, and for search engines).
 */
function altTextIssues(fields: Field[], data: Record<string, unknown>, at: string, issues: Issue[]): void {
  for (const field of fields) {
    if (field.type !== 'image' || !field.alt) continue;
    const image = data[field.name];
    const alt = data[field.alt];
    if (typeof image === 'string' && image && !(typeof alt === 'string' && alt.trim()))
      issues.push({
        path: at + pointer(field.alt),
        message: `describes ${field.label ?? field.name} for people who cannot see it: write what the image shows`,
      });
  }
}

/**
 * Validates an entry's data (and Markdown body) against its schema. Paths are JSON pointers into
 * `data` (`/tags/2`); the body field's problems are reported at `/<bodyField>`.
 */
export function validateEntry(
  schema: Schema,
  data: Record<string, unknown>,
  body?: string,
  lookup?: RelationLookup,
  options: { mediaHosts?: readonly string[] } = {},
): Issue[] {
  const issues: Issue[] = [];
  const context: ValidationContext = { ...(lookup ? { lookup } : {}), ...options };
  for (const field of schema.fields) {
    const value = field.name === schema.bodyField ? body : data[field.name];
    validateValue(field, value, pointer(field.name), issues, context);
  }
  altTextIssues(schema.fields, data, '', issues);
  if (schema.strict === true) issues.push(...unknownKeys(schema, data));
  return issues;
}

/**
 * Keys in an entry's data that no field declares (`tittle:` for `title`), top level and inside
 * object fields, each with a "did you mean" when a declared name is close. Errors for a `strict`
 * schema, warnings when `strict` is absent, nothing when it is false.
 */
export function unknownKeys(
  schema: Pick<Schema, 'name' | 'fields' | 'bodyField'>,
  data: Record<string, unknown>,
): Issue[] {
  const out: Issue[] = [];
  const walk = (
    fields: readonly Field[],
    value: Record<string, unknown>,
    at: string,
    where: string,
  ): void => {
    const names = fields.filter((f) => f.name !== schema.bodyField || at !== '').map((f) => f.name);
    for (const key of Object.keys(value)) {
      const field = fields.find((f) => f.name === key);
      if (field) {
        const inner = value[key];
        if (
          field.type === 'object' &&
          field.fields &&
          typeof inner === 'object' &&
          inner !== null &&
          !Array.isArray(inner)
        )
          walk(field.fields, inner as Record<string, unknown>, `${at}${pointer(key)}`, `${where}.${key}`);
        continue;
      }
      const guess = suggest(key, names);
      out.push({
        path: `${at}${pointer(key)}`,
        message: `is not a field of ${where}${guess ? ` (did you mean ${guess}?)` : ''}`,
        fix: guess ? `Rename it to ${guess}.` : `Remove it, or add a field "${key}" to the schema.`,
      });
    }
  };
  walk(schema.fields, data, '', schema.name);
  return out;
}

/** Values of unique fields that occur in more than one entry: value → slugs. */
export function findDuplicates(
  schema: Schema,
  entries: { slug: string; data: Record<string, unknown> }[],
): Map<string, Map<string, string[]>> {
  const result = new Map<string, Map<string, string[]>>();
  for (const field of schema.fields.filter((f) => f.unique)) {
    const bySlug = new Map<string, string[]>();
    for (const entry of entries) {
      const value = entry.data[field.name];
      if (isEmpty(value) || typeof value === 'object') continue;
      const key = typeof value === 'string' ? value.normalize('NFC').toLowerCase() : JSON.stringify(value);
      const slugs = bySlug.get(key) ?? [];
      slugs.push(entry.slug);
      bySlug.set(key, slugs);
    }
    const dupes = new Map([...bySlug].filter(([, slugs]) => slugs.length > 1));
    if (dupes.size) result.set(field.name, dupes);
  }
  return result;
}

/** Fills in schema defaults for fields that have no value yet ("now" means the current date/time). */
export function applyDefaults(
  schema: Schema,
  data: Record<string, unknown>,
  now = new Date(),
): Record<string, unknown> {
  const out = { ...data };
  for (const field of schema.fields) {
    if (field.name === schema.bodyField || out[field.name] !== undefined || field.default === undefined)
      continue;
    if (field.default === 'now' && field.type === 'datetime')
      out[field.name] = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    else if (field.default === 'now' && field.type === 'date')
      out[field.name] = now.toISOString().slice(0, 10);
    else out[field.name] = structuredClone(field.default);
  }
  return out;
}
