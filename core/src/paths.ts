import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidPathError } from './errors.js';
import { printable, relativePathProblem } from './slugs.js';

export * from './slugs.js';

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
