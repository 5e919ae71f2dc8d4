// Pure slug and path rules (no I/O): shared by the server and the admin's client-side checks.
import { InvalidPathError } from './errors.js';
import type { Schema } from './types.js';
import { extensionsOf } from './types.js';

/** A slug segment: lowercase ASCII letters, digits, `.`, `_`, `-`, not starting with a dot. */
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_SLUG_LENGTH = 200;
const RESERVED_LATER_SEGMENTS = ['history', 'revert'];
const SCHEMA_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Control characters, and the Unicode controls that reorder how a name is shown (`abc\u202egpj.md`). */
// eslint-disable-next-line no-control-regex -- naming control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

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

/**
 * Why `id` cannot name an existing entry, or null. An entry's id is its file's own name (less the
 * extension, or a bundle's folder): `_index`, `functions/collections/Where`, `2024-01-29-title`,
 * Unicode. Only what would be unsafe or ambiguous is refused: dot segments, empty segments, dotfiles,
 * control characters, backslashes, and a later segment named like an entry URL's own ending.
 * Ids are looked up in the index, never joined onto a path.
 */
export function idProblem(id: unknown): string | null {
  if (typeof id !== 'string') return 'an id must be a string';
  if (id.length === 0) return 'an id must not be empty';
  if (id.length > 400) return 'an id must be at most 400 characters';
  if (CONTROL.test(id) || id.includes('\\'))
    return 'an id must not contain control or text-direction characters, or "\\"';
  const segments = id.split('/');
  if (segments.slice(1).some((s) => RESERVED_LATER_SEGMENTS.includes(s)))
    return 'only the first segment of an id may be "history" or "revert" (those names end entry URLs)';
  for (const segment of segments) {
    if (segment === '') return 'an id must not start or end with "/" or contain "//"';
    if (segment === '.' || segment === '..') return 'an id must not contain "." or ".." segments';
    if (segment.startsWith('.')) return 'an id must not name a dotfile';
  }
  return null;
}

/** Throws InvalidPathError unless `id` could name an existing entry (see idProblem). */
export function assertSafeId(id: unknown): asserts id is string {
  const problem = idProblem(id);
  if (problem)
    throw new InvalidPathError(`Invalid entry id: ${problem}.`, {
      slug: typeof id === 'string' ? printable(id) : null,
    });
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
  if (/[\0\\:]/.test(p) || CONTROL.test(p))
    return 'must not contain control or text-direction characters, "\\", ":" or NUL';
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
 * The file a *new* entry gets: (schema, slug) → repository-relative path, the slug checked here,
 * before any I/O, by the strict rules for names Mimsy makes. Existing entries keep their own file
 * (the index knows it); singletons ignore the slug.
 */
export function entryPath(
  schema: Pick<Schema, 'kind' | 'folder' | 'file' | 'format' | 'extensions'>,
  slug: string,
): string {
  if (schema.kind === 'singleton') return schema.file!;
  assertSafeSlug(slug);
  return `${schema.folder}/${slug}.${extensionsOf(schema)[0]}`;
}
