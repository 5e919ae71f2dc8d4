import { lstatSync, realpathSync } from 'node:fs';
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

/** The error for a path that goes through a symbolic link: Mimsy never follows one. */
export function symlinkError(relative: string, link: string = relative): InvalidPathError {
  return new InvalidPathError(
    `"${printable(relative)}" goes through a symbolic link (${printable(link)}): Mimsy never follows links. Replace the link with the file or folder itself, or remove it.`,
    { path: relative },
  );
}

/**
 * Refuses a repository-relative path any existing component of which is a symbolic link, wherever
 * the link points (inside the repository too: a link to `.git/config` or to the session secret
 * is inside). Checks every component, every time: a pull can turn a folder into a link.
 */
export function assertNoSymlink(root: string, relative: string): void {
  const parts = relative.split('/');
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return; // the rest does not exist yet: nothing to follow
    }
    if (stat.isSymbolicLink()) throw symlinkError(relative, parts.slice(0, i + 1).join('/'));
  }
}

const realRoots = new Map<string, string>();
/** The root with its own links resolved (the root itself may be a link, e.g. /tmp on macOS). */
export function realRootOf(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync(root);
    realRoots.set(root, real);
  }
  return real;
}
