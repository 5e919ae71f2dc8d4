import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MimsyError } from '../../errors.js';
import type { GitContext } from './context.js';
import type { GitIndexes } from './indexes.js';
import { gitMessage } from './replay.js';

/**
 * Rebases local commits onto `upstream`, all or nothing. Uncommitted edits (and untracked files)
 * are set aside and put back by hand rather than with `rebase --autostash`, which leaves
 * conflict markers in the files and the stash behind when putting them back conflicts. Here a
 * conflict of either kind puts the branch, the files and the stash list back as they were.
 */
export async function rebaseOnto(ctx: GitContext, indexes: GitIndexes, upstream: string): Promise<void> {
  const stopped = inProgress(ctx);
  if (stopped)
    throw new MimsyError(
      ErrorCodes.SYNC_CONFLICT,
      `A ${stopped} is in progress in this repository (started outside Mimsy), so nothing was pulled. Finish it ("git ${stopped} --continue") or go back ("git ${stopped} --abort"), then sync again.`,
      { inProgress: stopped },
    );
  const head = await ctx.head();
  if (!head) {
    await ctx.git(['reset', '--hard', '--quiet', upstream]);
    return;
  }
  const dirty = (await ctx.git(['status', '--porcelain', '--untracked-files=normal'])).trim() !== '';
  // `stash` finds untracked files through pathspec magic, which literal pathspecs turn off.
  const stash = (...args: string[]): Promise<string> =>
    ctx.git(['stash', ...args], { env: { GIT_LITERAL_PATHSPECS: '0' } });
  if (dirty) await stash('push', '--include-untracked', '--quiet', '-m', 'mimsy sync');
  const conflicted = async (): Promise<string[]> =>
    (await ctx.git(['diff', '--name-only', '--diff-filter=U']).catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((p) => ctx.fromGitPath(p));
  // The marker says the rebase is Mimsy's: recovery may abort it after a crash, never one of yours.
  const marker = rebaseMarker(ctx);
  await writeFile(marker, head);
  try {
    await ctx.git(['-c', 'commit.gpgsign=false', ...ctx.committerArgs, 'rebase', '--quiet', upstream]);
    await rm(marker, { force: true });
  } catch (error) {
    const files = await conflicted();
    await ctx.git(['rebase', '--abort']).catch(() => undefined);
    await rm(marker, { force: true });
    if (dirty) await stash('pop', '--quiet'); // onto the commit it was made on: clean
    throw new MimsyError(
      ErrorCodes.SYNC_CONFLICT,
      files.length
        ? `The remote changed the same content as local commits (${files.join(', ')}). Nothing was lost: the local commits are unchanged and the pull was undone. Resolve with "git pull --rebase" and push, or ask who changed it.`
        : `Rebasing onto the remote failed: ${gitMessage(error)}`,
      { files },
      { cause: error },
    );
  }
  if (!dirty) return;
  try {
    await stash('pop', '--quiet'); // keeps the stash when it does not apply cleanly
  } catch (error) {
    const files = await conflicted();
    await ctx.git(['reset', '--hard', '--quiet', head]);
    const untracked = await stashedUntracked(ctx);
    if (untracked.length) await ctx.git(['clean', '--force', '--quiet', '--', ...untracked]);
    await stash('pop', '--quiet');
    throw new MimsyError(
      ErrorCodes.SYNC_CONFLICT,
      `Uncommitted edits conflict with what the remote changed${files.length ? ` (${files.join(', ')})` : ''}. Nothing was changed: the branch, the edits and the files are as they were. Commit the edits, then sync again (a conflict between commits keeps both sides), or set them aside with "git stash".`,
      { files, uncommitted: true },
      { cause: error },
    );
  }
}

/** The file that marks a rebase as Mimsy's own (while `mimsy sync` runs one). */
export function rebaseMarker(ctx: GitContext): string {
  return path.join(ctx.gitDir, 'mimsy-rebase');
}

/** A rebase or merge stopped half-way in the work tree, or null. */
export function inProgress(ctx: GitContext): 'rebase' | 'merge' | null {
  if (existsSync(path.join(ctx.gitDir, 'rebase-merge')) || existsSync(path.join(ctx.gitDir, 'rebase-apply')))
    return 'rebase';
  return existsSync(path.join(ctx.gitDir, 'MERGE_HEAD')) ? 'merge' : null;
}

/** The untracked files saved in the newest stash (its third parent), relative to the root. */
async function stashedUntracked(ctx: GitContext): Promise<string[]> {
  const listed = await ctx
    .git(['ls-tree', '-r', '-z', '--full-tree', '--name-only', 'refs/stash^3'])
    .catch(() => '');
  // Pathspecs are literal here (GIT_LITERAL_PATHSPECS) and relative to the content root.
  const prefix = ctx.prefix.replace(/\/$/, '') || '.';
  return listed
    .split('\0')
    .filter(Boolean)
    .map((p) => path.posix.relative(prefix, p));
}
