import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { closeSync, constants, existsSync, lstatSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { InvalidPathError } from '../errors.js';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { assertNoSymlink, realRootOf, resolveInRoot, symlinkError } from '../paths.js';

/**
 * Linux names the file behind each open descriptor in /proc/self/fd; elsewhere each component is
 * checked. (Probed by the folder, not by a descriptor: standard input may be closed.)
 */
const FD_LINKS = process.platform === 'linux' && existsSync('/proc/self/fd');

/**
 * Opens a repository-relative file without following a symbolic link anywhere on its path:
 * O_NOFOLLOW refuses a link as the file itself, and the descriptor's real path (Linux) must be
 * exactly the expected one, which no link among the folders can give. Checking after opening
 * leaves no gap for a folder swapped for a link in between. Null when missing.
 */
function openNoFollow(root: string, relative: string): number | null {
  const absolute = resolveInRoot(root, relative);
  if (!FD_LINKS) assertNoSymlink(root, relative);
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw symlinkError(relative);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    assertNoSymlink(root, relative); // missing, unless a link on the way led nowhere
    return null;
  }
  try {
    if (FD_LINKS && readlinkSync(`/proc/self/fd/${fd}`) !== path.join(realRootOf(root), relative)) {
      assertNoSymlink(root, relative); // names the link
      throw symlinkError(relative); // the tree changed again meanwhile
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Temp files are dotfiles with this marker, so that listing skips them and recovery finds them. */
export const TEMP_MARKER = '.mimsy-tmp-';

/**
 * Writes a file atomically: the bytes go to a temp file in the same folder (flushed to disk when
 * asked), and the temp file is renamed over the target. A reader sees the old or the new file,
 * never half of one.
 */
export async function writeFileAtomic(
  absolute: string,
  bytes: Uint8Array,
  options: { fsync?: boolean; tempDir?: string | undefined } = {},
): Promise<void> {
  await mkdir(path.dirname(absolute), { recursive: true });
  // The temp file may live elsewhere on the same file system (the Git directory), so that folder
  // watchers see one replace instead of a create, a write and a rename.
  const temp = path.join(
    options.tempDir ?? path.dirname(absolute),
    `${TEMP_MARKER}${path.basename(absolute)}.${randomBytes(6).toString('hex')}`,
  );
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    // Surviving a process crash needs only the rename; surviving power loss needs fsync too, and is
    // only worth its cost when Git itself syncs (core.fsync), so it follows that setting.
    if (options.fsync) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, absolute);
  } catch (error) {
    await rm(temp, { force: true });
    // Another file system after all (a mount inside the repository): write beside the target.
    if ((error as NodeJS.ErrnoException).code === 'EXDEV' && options.tempDir)
      return writeFileAtomic(absolute, bytes, { ...options, tempDir: undefined });
    throw error;
  }
}

/**
 * Reads a repository-relative file; null when missing. A symbolic link anywhere on the path is
 * refused (InvalidPathError), never followed. Content files are small: a synchronous read costs
 * less than the thread-pool round trip of an asynchronous one (several times faster for 10,000).
 */
export async function readInRoot(root: string, relative: string): Promise<Uint8Array | null> {
  const fd = openNoFollow(root, relative);
  if (fd === null) return null;
  try {
    return readFileSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return null; // a folder: no entry
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Lists files below a repository-relative folder, skipping dotfiles and dot-folders. Symbolic
 * links are listed (never followed or entered), so that reading one reports it as a problem
 * instead of it vanishing without a word.
 */
export async function listInRoot(root: string, relativeDir: string): Promise<string[]> {
  const base = resolveInRoot(root, relativeDir);
  assertNoSymlink(root, relativeDir);
  const out: string[] = [];
  const walk = async (absolute: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        (error as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        return;
      throw error;
    }
    const folders: Promise<void>[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) folders.push(walk(path.join(absolute, entry.name), childRel));
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(childRel);
    }
    await Promise.all(folders);
  };
  await walk(base, relativeDir);
  return out.sort();
}

/** The symbolic links below a repository-relative folder (never entered), for reporting. */
export async function findSymlinks(root: string, relativeDir: string): Promise<string[]> {
  const links: string[] = [];
  const listed = await listInRoot(root, relativeDir).catch((error: unknown) => {
    if (error instanceof InvalidPathError) links.push(relativeDir);
    return [];
  });
  for (const p of listed) if (lstatSync(resolveInRoot(root, p)).isSymbolicLink()) links.push(p);
  return links;
}

/** Removes a file and the folders it leaves empty, up to (not including) `stopAt`. */
export async function removeFileAndEmptyParents(absolute: string, stopAt: string): Promise<void> {
  await rm(absolute, { force: true });
  let dir = path.dirname(absolute);
  while (dir.startsWith(stopAt + path.sep) && dir !== stopAt) {
    try {
      await rmdir(dir);
    } catch {
      break; // not empty (or already gone)
    }
    dir = path.dirname(dir);
  }
}
