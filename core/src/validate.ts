import type { Issue } from './errors.js';
import { pointer } from './errors.js';
import { idProblem } from './slugs.js';
import { suggest } from './suggest.js';
import type { Field, Schema, SelectOption } from './types.js';

/** Answers whether an entry exists, for relation checks. */
export type RelationLookup = (schema: string, slug: string) => boolean;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * The date-times site generators write: ISO 8601 (`2026-11-28T09:30:00Z`, `…+01:00`), Jekyll's
 * `2025-01-29 18:15:32 +0530`, and Hugo's zone-less `2024-01-29T10:00:00` (read as UTC here).
 */
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) ?(Z|[+-]\d{2}:?\d{2})?$/i;
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;
const COLOR = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const SINGLE_SEGMENT_SLUG = /^[a-z0-9][a-z0-9._-]*$/;

type PatternTest = (value: string) => boolean;
/** How `pattern` is run: RE2 on the server (see pattern.ts); the browser's engine in the admin. */
let patternEngine = (pattern: string): PatternTest => {
  const re = new RegExp(pattern, 'u');
  return (value) => re.test(value);
};
const regexCache = new Map<string, PatternTest | null>();

/** Sets how schema patterns are compiled (core's Node entry installs the linear-time RE2 engine). */
export function usePatternEngine(compile: (pattern: string) => PatternTest): void {
  patternEngine = compile;
  regexCache.clear();
}

function compile(pattern: string): PatternTest | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = patternEngine(pattern);
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re;
}

export function optionValue(option: string | SelectOption): string {
  return typeof option === 'string' ? option : option.value;
}

export function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The instant of a date or date-time value in milliseconds (a date alone is midnight UTC), or NaN. */
export function dateTimeMs(value: string): number {
  if (isValidDate(value)) return Date.parse(`${value}T00:00:00Z`);
  const m = DATETIME.exec(value);
  if (!m || !isValidDate(m[1]!)) return Number.NaN;
  const zone = (m[3] ?? 'Z').toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(`${m[1]}T${m[2]}${zone}`);
}

/** A date-time as above, or (as Hugo and Jekyll accept) a date alone. */
export function isValidDateTime(value: string): boolean {
  return !Number.isNaN(dateTimeMs(value));
}

function isValidUrl(value: string): boolean {
  if (value.startsWith('/') && !value.startsWith('//')) return true; // site-relative link
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol);
  } catch {
    return false;
  }
}

/** What validation needs beyond the schema: relation targets, and the media hosts allowed. */
export interface ValidationContext {
  lookup?: RelationLookup;
  /** Hosts an image or file URL may point at (media.allowedHosts); unset: not checked here. */
  mediaHosts?: readonly string[];
}

function isValidAssetPath(value: string): boolean {
  if (/^https?:\/\//i.test(value)) return isValidUrl(value);
  // Protocol-relative (//host/x) and Windows UNC paths point at another host.
  if (value.startsWith('//') || value.startsWith('\\')) return false;
  // A media path: no traversal, no scheme (javascript:, data:), no back-slashes or control characters.
  return (
    value.length > 0 &&
    value.length <= 1024 &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[\0-\x1f\\]/.test(value) &&
    !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value) &&
    !value.split('/').includes('..')
  );
}

function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++; // count a surrogate pair once, at its low half
  }
  return n;
}

function checkLengths(field: Field, value: string, at: string, issues: Issue[]): void {
  if (field.minLength === undefined && field.maxLength === undefined && field.pattern === undefined) return;
  // UTF-16 length is an upper bound of the character count: count only when it could matter.
  const needsCount =
    (field.maxLength !== undefined && value.length > field.maxLength) || field.minLength !== undefined;
  const length = needsCount ? codePoints(value) : value.length;
  if (field.minLength !== undefined && length < field.minLength) {
    issues.push({ path: at, message: `must be at least ${field.minLength} characters (is ${length})` });
  }
  if (field.maxLength !== undefined && length > field.maxLength) {
    issues.push({ path: at, message: `must be at most ${field.maxLength} characters (is ${length})` });
  }
  if (field.pattern !== undefined) {
    const re = compile(field.pattern);
    if (re && !re(value)) issues.push({ path: at, message: `must match the pattern ${field.pattern}` });
  }
}

function checkRange(field: Field, value: string, at: string, issues: Issue[]): void {
  // ISO dates and datetimes (in UTC) compare correctly as strings; compare datetimes as instants.
  const asTime = dateTimeMs;
  if (typeof field.min === 'string' && asTime(value) < asTime(field.min)) {
    issues.push({ path: at, message: `must not be before ${field.min}` });
  }
  if (typeof field.max === 'string' && asTime(value) > asTime(field.max)) {
    issues.push({ path: at, message: `must not be after ${field.max}` });
  }
}

/**
 * Checks one value against its field. Absent values are only a problem when the field is
 * required. `at` is the JSON pointer of the value.
 */
export function validateValue(
  field: Omit<Field, 'name'>,
  value: unknown,
  at: string,
  issues: Issue[],
  context: ValidationContext = {},
): void {
  const { lookup } = context;
  const arrayValued =
    field.type === 'list' ||
    ((field.type === 'select' || field.type === 'relation') && field.multiple === true);
  const empty =
    value === undefined ||
    value === null ||
    value === '' ||
    (arrayValued && Array.isArray(value) && value.length === 0);
  if (empty) {
    if (field.required) issues.push({ path: at, message: 'is required' });
    return;
  }
  const f = field as Field;
  switch (field.type) {
    case 'string':
    case 'text':
    case 'markdown':
      if (typeof value !== 'string')
        return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
      if (field.type === 'string' && /[\r\n]/.test(value))
        issues.push({ path: at, message: 'must be a single line' });
      return checkLengths(f, value, at, issues);
    case 'slug':
      if (typeof value !== 'string')
        return void issues.push({ path: at, message: `must be text, not ${describe(value)}` });
      if (!SINGLE_SEGMENT_SLUG.test(value)) {
        issues.push({ path: at, message: 'must be a slug: lowercase letters, digits, ".", "_" and "-"' });
      }
      return checkLengths(f, value, at, issues);
    case 'url':
      if (typeof value !== 'string' || !isValidUrl(value)) {
        return void issues.push({
          path: at,
          message: 'must be an http(s), mailto: or tel: URL, or a path starting with "/"',
        });
      }
      return checkLengths(f, value, at, issues);
    case 'email':
      if (typeof value !== 'string' || !EMAIL.test(value))
        return void issues.push({ path: at, message: 'must be an email address' });
      return checkLengths(f, value, at, issues);
    case 'color':
      if (typeof value !== 'string' || !COLOR.test(value)) {
        issues.push({ path: at, message: 'must be a hex colour like #1a2b3c' });
      }
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return void issues.push({ path: at, message: `must be a number, not ${describe(value)}` });
      }
      if (field.integer && !Number.isInteger(value))
        issues.push({ path: at, message: 'must be a whole number' });
      if (typeof field.min === 'number' && value < field.min)
        issues.push({ path: at, message: `must be at least ${field.min}` });
      if (typeof field.max === 'number' && value > field.max)
        issues.push({ path: at, message: `must be at most ${field.max}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        issues.push({ path: at, message: `must be true or false, not ${describe(value)}` });
      return;
    case 'date':
      if (typeof value !== 'string' || !isValidDate(value)) {
        return void issues.push({ path: at, message: 'must be a date like 2026-11-28' });
      }
      return checkRange(f, value, at, issues);
    case 'datetime':
      if (typeof value !== 'string' || !isValidDateTime(value)) {
        return void issues.push({
          path: at,
          message: 'must be a date and time, like 2026-11-28T09:30:00Z',
        });
      }
      return checkRange(f, value, at, issues);
    case 'select': {
      const allowed = (field.options ?? []).map(optionValue);
      const shown = allowed.slice(0, 10).join(', ');
      if (field.multiple) {
        if (!Array.isArray(value))
          return void issues.push({ path: at, message: 'must be a list of options' });
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
      return;
    }
    case 'list': {
      if (!Array.isArray(value))
        return void issues.push({ path: at, message: `must be a list, not ${describe(value)}` });
      if (typeof field.min === 'number' && value.length < field.min)
        issues.push({ path: at, message: `must have at least ${field.min} items` });
      if (typeof field.max === 'number' && value.length > field.max)
        issues.push({ path: at, message: `must have at most ${field.max} items` });
      if (field.of) value.forEach((item, i) => validateValue(field.of!, item, `${at}/${i}`, issues, context));
      return;
    }
    case 'object':
      if (!isPlainObject(value))
        return void issues.push({ path: at, message: `must be an object, not ${describe(value)}` });
      validateFields(field.fields ?? [], value, at, issues, context);
      return;
    case 'relation': {
      const check = (v: unknown, p: string): void => {
        if (typeof v !== 'string' || idProblem(v) !== null)
          return void issues.push({ path: p, message: 'must be the id of an entry' });
        if (lookup && field.schema && !lookup(field.schema, v)) {
          issues.push({ path: p, message: `points to ${field.schema}/${v}, which does not exist` });
        }
      };
      if (field.multiple) {
        if (!Array.isArray(value)) return void issues.push({ path: at, message: 'must be a list of slugs' });
        value.forEach((v, i) => check(v, `${at}/${i}`));
      } else check(value, at);
      return;
    }
    case 'image':
    case 'file': {
      if (typeof value !== 'string' || !isValidAssetPath(value)) {
        return void issues.push({
          path: at,
          message: 'must be a media path like /media/2026/11/cover.jpg or an http(s) URL',
        });
      }
      const host = /^https?:\/\//i.test(value) ? new URL(value).hostname.toLowerCase() : null;
      if (host !== null && context.mediaHosts && !context.mediaHosts.includes(host)) {
        return void issues.push({
          path: at,
          message: `points to another site (${host}): upload the file, or add "${host}" to media.allowedHosts in mimsy.config.json`,
        });
      }
      if (field.accept?.length) {
        const ext = value.split('?')[0]!.split('.').pop()?.toLowerCase() ?? '';
        if (!field.accept.map((a) => a.toLowerCase().replace(/^\./, '')).includes(ext)) {
          issues.push({ path: at, message: `must be one of these file types: ${field.accept.join(', ')}` });
        }
      }
      return;
    }
  }
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
