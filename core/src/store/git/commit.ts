import { ErrorCodes, MimsyError } from '../../errors.js';
import { assertNoSymlink, resolveInRoot } from '../../paths.js';
import { blobId } from '../../version.js';
import { readInRoot, removeFileAndEmptyParents, writeFileAtomic } from '../fs.js';
import { preconditionFailure, type CommitOptions, type CommitResult, type FileChange } from '../port.js';
import type { GitContext } from './context.js';
import { committerIdentity, FastImportStream, identity, rawDate, SCRATCH_REF } from './fast-import.js';
import type { GitIndexes } from './indexes.js';
import type { GitLog } from './log.js';
import { journalPath, type Journal } from './recovery.js';

/**
 * Makes one commit from a set of file changes, all or nothing: checks every precondition, writes
 * a journal, writes the files atomically, then commits their bytes with one `git fast-import`,
 * which moves the branch only forward from the commit the write was checked against. A failure
 * puts the files back; when even that fails, recovery runs before the next write. Runs in the
 * write queue.
 */
export class GitCommitter {
  /** A failed write could not be rolled back; recovery runs before the next one. */
  private mustRecover = false;
  /** Who commits (`Name <email>`), read from Git at the first write. */
  private committer: string | undefined;

  constructor(
    private readonly ctx: GitContext,
    private readonly indexes: GitIndexes,
    private readonly history: GitLog,
    private readonly recover: () => Promise<void>,
  ) {}

  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    const { ctx, indexes } = this;
    if (this.mustRecover) {
      try {
        await this.recover();
      } catch (error) {
        throw storageError(error) ?? ctx.gitError('recovery', error);
      }
      this.mustRecover = false;
    }
    const befores: (Uint8Array | null)[] = [];
    for (const change of changes) {
      assertNoSymlink(ctx.root, change.path);
      const current = await readInRoot(ctx.root, change.path);
      const failure = preconditionFailure(change, current, current ? blobId(current) : null);
      if (failure) throw failure;
      befores.push(current);
    }
    const versions: Record<string, string | null> = {};
    for (const change of changes) versions[change.path] = change.bytes ? blobId(change.bytes) : null;
    const head = await ctx.head();
    const unchanged = changes.every((c, i) => {
      const before = befores[i];
      return c.bytes === null ? before === null : before != null && Buffer.from(before).equals(c.bytes);
    });
    // Nothing to write: answer with the commit that already holds these bytes.
    if (unchanged && head) return { ...(await this.history.commit(head)), versions };
    const journal: Journal = {
      head,
      startedAt: new Date().toISOString(),
      ...(indexes.stale.size ? { stale: [...indexes.stale] } : {}),
      changes: changes.map((c, i) => ({
        path: c.path,
        before: befores[i] ? Buffer.from(befores[i]).toString('base64') : null,
      })),
    };
    try {
      await writeFileAtomic(journalPath(ctx), Buffer.from(JSON.stringify(journal)));
    } catch (error) {
      throw storageError(error) ?? error;
    }
    const date = new Date();
    let sha: string;
    try {
      for (const change of changes) {
        const absolute = resolveInRoot(ctx.root, change.path);
        if (change.bytes === null) await removeFileAndEmptyParents(absolute, ctx.root);
        else await writeFileAtomic(absolute, change.bytes, ctx.tempOptions);
      }
      sha = await this.commitWithFastImport(head, changes, options, date);
    } catch (error) {
      const gitPaths = changes.map((c) => ctx.gitPath(c.path));
      // When even the roll-back fails (a full disk), the journal stays and recovery runs again
      // before the next write: the working tree never keeps an uncommitted half of a write.
      if (await this.rollback(changes, befores, gitPaths)) await indexes.syncIndex();
      else this.mustRecover = true;
      throw storageError(error) ?? ctx.gitError('commit', error);
    }
    // The repository's own index catches up after the commit (never before: someone's `git commit`
    // meanwhile would take this write's change), once per burst: the last of the writes queued now
    // does it for all (the journal lists them until then, and recovery redoes it after a crash).
    for (const change of changes) indexes.stale.add(ctx.gitPath(change.path));
    if (indexes.ownIndexDue) await indexes.syncIndex();
    return {
      sha,
      author: { ...options.author },
      date: date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: options.message,
      versions,
    };
  }

  /**
   * One `git fast-import` makes the commit from the write's bytes on top of `head`: no index is
   * read or written, so the commit holds exactly these paths whatever else is staged, Git never
   * scans the work tree, hooks and signing do not run, and it is one process where the plumbing
   * way (update-index, write-tree, commit-tree, update-ref) was four. The branch moves only
   * forward from `head`: when something else moved it meanwhile, fast-import leaves it alone and
   * the write fails (and is rolled back).
   */
  private async commitWithFastImport(
    head: string | null,
    changes: FileChange[],
    options: CommitOptions,
    date: Date,
  ): Promise<string> {
    const { ctx } = this;
    this.committer ??= await committerIdentity(ctx.plumbing);
    const branch = await ctx.branch();
    // A detached HEAD: build on a scratch ref, then move HEAD by compare-and-swap.
    const ref = branch ?? SCRATCH_REF;
    const stream = new FastImportStream();
    const when = rawDate(date);
    stream.commit(ref, {
      author: `${identity(options.author.name, options.author.email)} ${when}`,
      committer: `${this.committer} ${when}`,
      message: options.message,
      from: head,
    });
    for (const change of changes) {
      if (change.bytes === null) stream.remove(ctx.gitPath(change.path));
      else stream.put(ctx.gitPath(change.path), change.bytes);
    }
    stream.end();
    const [commit] = await stream.run(ctx.plumbing, { force: branch === null });
    if (branch === null) {
      try {
        await ctx.plumbing.run([
          'update-ref',
          '--no-deref',
          '-m',
          `commit: ${options.message.split('\n')[0]}`,
          'HEAD',
          commit!,
          head ?? '0'.repeat(40),
        ]);
      } finally {
        await ctx.plumbing.run(['update-ref', '-d', SCRATCH_REF]).catch(() => undefined);
      }
    }
    return commit!;
  }

  /** Puts the files of a failed write back; false when that failed too. */
  private async rollback(
    changes: FileChange[],
    befores: (Uint8Array | null)[],
    gitPaths: string[],
  ): Promise<boolean> {
    const { root } = this.ctx;
    await this.ctx.git(['reset', '--quiet', '--', ...gitPaths]).catch(() => undefined);
    let ok = true;
    for (const [i, change] of changes.entries()) {
      const absolute = resolveInRoot(root, change.path);
      const before = befores[i];
      const current = await readInRoot(root, change.path).catch(() => null);
      if (before ? current && Buffer.from(current).equals(before) : current === null) continue;
      if (before) await writeFileAtomic(absolute, before).catch(() => (ok = false));
      else await removeFileAndEmptyParents(absolute, root).catch(() => (ok = false));
    }
    return ok;
  }
}

/**
 * A full or read-only volume, from a Node error code or from what git printed; null for anything
 * else. Both mean nothing was written, and both clear up without Mimsy's help.
 */
export function storageError(error: unknown): MimsyError | null {
  const code = (error as NodeJS.ErrnoException)?.code;
  const text = `${String((error as Error)?.message ?? '')} ${(error as { stderr?: string })?.stderr ?? ''}`;
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /No space left on device|Disk quota exceeded|Out of diskspace/i.test(text)
  )
    return new MimsyError(
      ErrorCodes.STORAGE_FULL,
      'The content volume is full, so nothing was saved. Free space on it (or make it larger), then save again.',
      undefined,
      { cause: error },
    );
  if (code === 'EROFS' || /Read-only file system/i.test(text))
    return new MimsyError(
      ErrorCodes.READ_ONLY,
      'The content volume is read-only, so nothing was saved. Mount it writable, then save again.',
      undefined,
      { cause: error },
    );
  if (code === 'EACCES' || code === 'EPERM' || /Permission denied|insufficient permission/i.test(text))
    return new MimsyError(
      ErrorCodes.READ_ONLY,
      'The server may not write to the content folder (permission denied), so nothing was saved. Give its user write access, then save again.',
      undefined,
      { cause: error },
    );
  return null;
}
