import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';

/**
 * Content files are small: a synchronous read (tens of microseconds) costs less than the thread-pool
 * round trip of an asynchronous one, and reading 10,000 files this way is several times faster.
 */
function readFile(absolute: string, options: { flag?: number } = {}): Promise<Buffer> {
  const fd = openSync(absolute, options.flag ?? constants.O_RDONLY);
  try {
    return Promise.resolve(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}
import path from 'node:path';
import { assertNoEscapingSymlink, resolveInRoot } from '../paths.js';

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

/** Reads a repository-relative file after the symlink check; null when missing. */
export async function readInRoot(root: string, relative: string): Promise<Uint8Array | null> {
  const absolute = resolveInRoot(root, relative);
  await assertNoEscapingSymlink(root, relative, { foldersOnly: true });
  try {
    // O_NOFOLLOW: the file itself must not be a link; one that is gets the full check below.
    return await readFile(absolute, { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      await assertNoEscapingSymlink(root, relative);
      return await readFile(absolute);
    }
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return null;
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw error;
  }
}

/** Lists files below a repository-relative folder, skipping dotfiles, dot-folders and symlinks. */
export async function listInRoot(root: string, relativeDir: string): Promise<string[]> {
  const base = resolveInRoot(root, relativeDir);
  await assertNoEscapingSymlink(root, relativeDir);
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
      else if (entry.isFile()) out.push(childRel);
    }
    await Promise.all(folders);
  };
  await walk(base, relativeDir);
  return out.sort();
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
