import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidPathError } from './errors.js';
import type { Schema } from './types.js';

/** A slug segment: lowercase ASCII letters, digits, `.`, `_`, `-`, not starting with a dot. */
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_SLUG_LENGTH = 200;
const SCHEMA_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Why `slug` is not a valid slug, or null when it is. Pure: no I/O. */
export function slugProblem(slug: unknown): string | null {
  if (typeof slug !== 'string') return 'a slug must be a string';
  if (slug.length === 0) return 'a slug must not be empty';
  if (slug.length > MAX_SLUG_LENGTH) return `a slug must be at most ${MAX_SLUG_LENGTH} characters`;
  // Everything below is ASCII-only by construction, so look-alikes, NUL, `%`, `\` and `:` fail here.
  const segments = slug.split('/');
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
  if (parts[0] === '.git') return 'must not point into .git';
  return null;
}

/** Joins a repository-relative path onto the root after checking it cannot escape. Pure. */
export function resolveInRoot(root: string, relative: string): string {
  const problem = relativePathProblem(relative);
  if (problem) throw new InvalidPathError(`Unsafe path "${printable(relative)}": ${problem}.`);
  // No "..", ".", empty or absolute segments (checked above): joining cannot leave the root.
  return root.endsWith(path.sep) ? root + relative : root + path.sep + relative;
}

/**
 * Refuses a path whose existing components include a symlink leading outside `root`. Call it
 * before reading or writing a file whose path came from a request.
 */
export async function assertNoEscapingSymlink(
  root: string,
  relative: string,
  options: { foldersOnly?: boolean } = {},
): Promise<void> {
  const slash = relative.lastIndexOf('/');
  // Fast path: the whole folder chain was verified before (folders are marked with their ancestors).
  if (
    options.foldersOnly &&
    (slash === -1 || verifiedFolders.has(root + path.sep + relative.slice(0, slash)))
  )
    return;
  const realRoot = await realRootOf(root);
  const parts = relative.split('/');
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    // Folders already seen to be real (not links) are not checked again; the last part always is.
    if (i < parts.length - 1 && verifiedFolders.has(current)) continue;
    if (i === parts.length - 1 && options.foldersOnly) return;
    let stat;
    try {
      stat = await lstat(current);
    } catch {
      return; // the rest does not exist yet: nothing to follow
    }
    if (stat.isSymbolicLink()) {
      let target: string;
      try {
        target = await realpath(current);
      } catch {
        throw new InvalidPathError(`"${relative}" goes through a broken symbolic link.`);
      }
      const rel = path.relative(realRoot, target);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new InvalidPathError(
          `"${relative}" goes through a symbolic link that leads outside the repository.`,
        );
      }
    } else if (stat.isDirectory() && i < parts.length - 1) {
      if (verifiedFolders.size > 100_000) verifiedFolders.clear();
      verifiedFolders.add(current);
    }
  }
}

/** Real folders (not symlinks) seen on the way to files: a folder does not turn into a link under us. */
const verifiedFolders = new Set<string>();
const realRoots = new Map<string, Promise<string>>();
function realRootOf(root: string): Promise<string> {
  let real = realRoots.get(root);
  if (!real) {
    real = realpath(root);
    realRoots.set(root, real);
    real.catch(() => realRoots.delete(root));
  }
  return real;
}

/** Forgets cached folder facts (for tests that swap a folder for a link). */
export function forgetVerifiedFolders(): void {
  verifiedFolders.clear();
  realRoots.clear();
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
