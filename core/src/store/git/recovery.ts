import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { resolveInRoot } from '../../paths.js';
import { removeFileAndEmptyParents, TEMP_MARKER, writeFileAtomic } from '../fs.js';
import type { GitContext } from './context.js';
import { JOURNAL, type GitIndexes } from './indexes.js';
import { inProgress, rebaseMarker } from './rebase.js';
import { cleanReplay, recoverMove } from './replay.js';
import { SCRATCH_REF } from './fast-import.js';

/** What a write was about to do, written before touching the working tree (see docs/architecture.md). */
export interface Journal {
  head: string | null;
  startedAt: string;
  changes: { path: string; before: string | null }[];
  /** Paths (from the top of the work tree) of earlier commits that the repository's index lags. */
  stale?: string[];
}

export function journalPath(ctx: GitContext): string {
  return path.join(ctx.gitDir, JOURNAL);
}

/**
 * Brings an interrupted repository back to a clean, consistent state (see docs/architecture.md):
 * stale locks, a half-done rebase, a damaged index, a half-done replay, and a write the journal
 * says was interrupted (completed when its commit landed, rolled back when it did not). Runs in
 * the write queue; `note` hears each step taken, in plain words.
 */
export async function recover(
  ctx: GitContext,
  indexes: GitIndexes,
  note: (message: string) => void,
): Promise<void> {
  const lock = path.join(ctx.gitDir, 'index.lock');
  if (existsSync(lock)) {
    // A live git process holds the lock for milliseconds; give it a moment, then treat it as stale.
    for (let i = 0; i < 20 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
    if (existsSync(lock)) {
      await rm(lock, { force: true });
      note('removed a stale .git/index.lock left by an interrupted Git process');
    }
  }
  // A `git rebase` of mimsy sync killed half-way: put the branch back where it was. A rebase
  // without the marker is the developer's own, stopped on purpose: left alone.
  if (existsSync(rebaseMarker(ctx))) {
    if (inProgress(ctx) === 'rebase') {
      await ctx.git(['rebase', '--abort']).catch(() => undefined);
      note('aborted a rebase interrupted half-way; local commits are as they were before it');
    }
    await rm(rebaseMarker(ctx), { force: true });
  }
  // A damaged .git/index (disk trouble, a killed tool): rebuild it from HEAD; files stay as they are.
  if (existsSync(path.join(ctx.gitDir, 'index'))) {
    const readable = await ctx.plumbing.run(['ls-files', '--', 'mimsy.config.json']).then(
      () => true,
      () => false,
    );
    if (!readable) {
      await rm(path.join(ctx.gitDir, 'index'), { force: true });
      await ctx.plumbing.run(['reset', '-q']).catch(() => undefined);
      note('rebuilt a damaged .git/index from the last commit; no file was changed');
    }
  }
  const moved = await recoverMove(ctx.plumbing);
  if (moved) note(moved);
  await cleanReplay(ctx.plumbing);
  await indexes.clearAfterCrash();
  // A write on a detached HEAD killed between its fast-import and moving HEAD.
  await ctx.plumbing.run(['update-ref', '-d', SCRATCH_REF]).catch(() => undefined);
  let journal: Journal | null = null;
  try {
    journal = JSON.parse(await readFile(journalPath(ctx), 'utf8')) as Journal;
  } catch {
    journal = null;
  }
  await removeTempFiles(ctx.gitDir);
  if (!journal) {
    await indexes.syncIndex();
    return;
  }
  const head = await ctx.head();
  const paths = journal.changes.map((c) => c.path);
  const gitPaths = paths.map((p) => ctx.gitPath(p));
  // Earlier writes whose commits landed: their index entries catch up with HEAD (not with the
  // files, which someone may have edited since).
  if (journal.stale?.length)
    await ctx.git(['reset', '--quiet', '--', ...journal.stale]).catch(() => undefined);
  await ctx.git(['reset', '--quiet', '--', ...gitPaths]).catch(() => undefined);
  if (head !== journal.head && (await commitTouches(ctx, head, gitPaths))) {
    note(`a write interrupted after its commit (${head?.slice(0, 7)}) was completed`);
  } else {
    // The commit never happened and nobody was told it did: put the files back as they were.
    for (const change of journal.changes) {
      const absolute = resolveInRoot(ctx.root, change.path);
      if (change.before === null) await removeFileAndEmptyParents(absolute, ctx.root);
      else await writeFileAtomic(absolute, Buffer.from(change.before, 'base64'));
    }
    note(`rolled back an interrupted, unacknowledged write to ${paths.join(', ')}`);
  }
  for (const p of paths) await removeTempFiles(path.dirname(resolveInRoot(ctx.root, p)));
  await indexes.syncIndex();
}

/** Whether commit `sha` changed any of `gitPaths`. */
async function commitTouches(ctx: GitContext, sha: string | null, gitPaths: string[]): Promise<boolean> {
  if (!sha) return false;
  const out = await ctx.git(['show', '--no-renames', '--name-only', '--format=', sha]).catch(() => '');
  const files = new Set(out.split('\n').map((l) => l.trim()));
  return gitPaths.some((p) => files.has(p));
}

/** Removes the temp files an interrupted atomic write left in `dir`. */
async function removeTempFiles(dir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(TEMP_MARKER)) await rm(path.join(dir, name), { force: true });
}
