// Pure slug and path rules (no I/O): shared by the server and the admin's client-side checks.
import { InvalidPathError } from './errors.js';
import type { Schema } from './types.js';

/** A slug segment: lowercase ASCII letters, digits, `.`, `_`, `-`, not starting with a dot. */
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_SLUG_LENGTH = 200;
const RESERVED_LATER_SEGMENTS = ['history', 'revert'];
const SCHEMA_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Why `slug` is not a valid slug, or null when it is. Pure: no I/O. */
export function slugProblem(slug: unknown): string | null {
  if (typeof slug !== 'string') return 'a slug must be a string';
  if (slug.length === 0) return 'a slug must not be empty';
  if (slug.length > MAX_SLUG_LENGTH) return `a slug must be at most ${MAX_SLUG_LENGTH} characters`;
  // Everything below is ASCII-only by construction, so look-alikes, NUL, `%`, `\` and `:` fail here.
  const segments = slug.split('/');
  // An entry's history and revert live at <slug>/history and <slug>/revert: a later segment with
  // one of those names would make two entries share a URL.
  if (segments.slice(1).some((s) => RESERVED_LATER_SEGMENTS.includes(s))) {
    return 'only the first segment of a slug may be "history" or "revert" (those names end entry URLs)';
  }
  for (const segment of segments) {
    if (segment === '') return 'a slug must not start or end with "/" or contain "//"';
    if (segment === '.' || segment === '..') return 'a slug must not contain "." or ".." segments';
    if (!SEGMENT.test(segment)) {
      return `"${printable(segment)}" is not a valid slug segment: use lowercase letters a-z, digits, ".", "_" and "-", starting with a letter or digit`;
    }
  }
  return null;
}

export function isValidSlug(slug: unknown): slug is string {
  return slugProblem(slug) === null;
}

/** Throws InvalidPathError unless `slug` is safe. Every (schema, slug) → path goes through here. */
export function assertSafeSlug(slug: unknown): asserts slug is string {
  const problem = slugProblem(slug);
  if (problem)
    throw new InvalidPathError(`Invalid slug: ${problem}.`, {
      slug: typeof slug === 'string' ? printable(slug) : null,
    });
}

export function isValidSchemaName(name: unknown): name is string {
  return typeof name === 'string' && SCHEMA_NAME.test(name);
}

export function assertSafeSchemaName(name: unknown): asserts name is string {
  if (!isValidSchemaName(name)) {
    throw new InvalidPathError(
      'Invalid schema name: use lowercase letters, digits, "_" and "-" (at most 64 characters), starting with a letter or digit.',
      { schema: typeof name === 'string' ? printable(name) : null },
    );
  }
}

/**
 * Why a repository-relative path (a schema's folder, a singleton's file, the media dir) is
 * unsafe, or null. Used for paths that come from configuration rather than from slugs.
 */
export function relativePathProblem(p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0) return 'must be a non-empty string';
  if (p.length > 1024) return 'must be at most 1024 characters';
  if (/[\0\\:]/.test(p) || /[^\x20-\x7e]/.test(p)) return 'must use printable ASCII without "\\", ":" or NUL';
  if (p.startsWith('/')) return 'must be relative to the repository root (no leading "/")';
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '.' || s === ''))
    return 'must not contain "..", "." or empty segments';
  if (parts.includes('.git')) return 'must not point into .git';
  return null;
}

/**
 * For paths that name content (configured folders, singleton files, media paths): a relative
 * path, and never a dotfile or dot-folder. `.git`, `.mimsy` (the session secret and users file of
 * `mimsy serve`) and `.env` are not content, whatever a schema committed to the repository says.
 */
export function contentPathProblem(p: unknown): string | null {
  const problem = relativePathProblem(p);
  if (problem) return problem;
  if ((p as string).split('/').some((s) => s.startsWith('.')))
    return 'must not name a dotfile or dot-folder (.git, .mimsy, …)';
  return null;
}

/** Safe for an error message: control and non-ASCII characters escaped, length capped. */
export function printable(s: string): string {
  const shown = s.length > 80 ? s.slice(0, 80) + '…' : s;
  return shown.replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * The one mapping from (schema, slug) to a repository-relative file path. The slug is checked
 * here, before any I/O; singletons ignore the slug.
 */
export function entryPath(schema: Pick<Schema, 'kind' | 'folder' | 'file' | 'format'>, slug: string): string {
  if (schema.kind === 'singleton') return schema.file!;
  assertSafeSlug(slug);
  return `${schema.folder}/${slug}.${schema.format === 'markdown' ? 'md' : 'json'}`;
}
