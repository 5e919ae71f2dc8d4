// The value checks every field type shares: dates, URLs, media paths, lengths, ranges and the
// pattern engine. Browser-safe (the admin runs the same checks as the server).
import type { Issue } from '../errors.js';
import type { Field, SelectOption } from '../types.js';

/** Answers whether an entry exists, for relation checks. */
export type RelationLookup = (schema: string, slug: string) => boolean;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * The date-times site generators write: ISO 8601 (`2026-11-28T09:30:00Z`, `…+01:00`), Jekyll's
 * `2025-01-29 18:15:32 +0530`, and Hugo's zone-less `2024-01-29T10:00:00` (read as UTC here).
 */
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) ?(Z|[+-]\d{2}:?\d{2})?$/i;
export const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;
export const COLOR = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
export const SINGLE_SEGMENT_SLUG = /^[a-z0-9][a-z0-9._-]*$/;

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

/** A schema pattern, compiled once by the engine in use; null when it cannot run. */
export function compile(pattern: string): PatternTest | null {
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
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

export function isValidUrl(value: string): boolean {
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

export function isValidAssetPath(value: string): boolean {
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

export function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++; // count a surrogate pair once, at its low half
  }
  return n;
}

export function checkLengths(
  field: Pick<Field, 'minLength' | 'maxLength' | 'pattern'>,
  value: string,
  at: string,
  issues: Issue[],
): void {
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

export function checkRange(
  field: Pick<Field, 'min' | 'max'>,
  value: string,
  at: string,
  issues: Issue[],
): void {
  // ISO dates and datetimes (in UTC) compare correctly as strings; compare datetimes as instants.
  const asTime = dateTimeMs;
  if (typeof field.min === 'string' && asTime(value) < asTime(field.min)) {
    issues.push({ path: at, message: `must not be before ${field.min}` });
  }
  if (typeof field.max === 'string' && asTime(value) > asTime(field.max)) {
    issues.push({ path: at, message: `must not be after ${field.max}` });
  }
}
