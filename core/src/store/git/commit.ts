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

/** One write of a batch: its file changes and how to commit them. */
export interface BatchWrite {
  changes: FileChange[];
  options: CommitOptions;
}

/** What became of one write of a batch: its commit, or why it was refused (the others go on). */
export type BatchOutcome = { ok: true; result: CommitResult } | { ok: false; error: unknown };

/**
 * Makes one commit per write, all or nothing per batch: checks every write's preconditions (each
 * against the files as the writes before it in the batch leave them; a write that fails its check
 * is refused alone), writes a journal, writes each file once with its final bytes, then makes the
 * batch's commits — each with its own author, message and files — with one `git fast-import`,
 * which moves the branch once and only forward from the commit the batch was checked against. A
 * failure puts the files back; when even that fails, recovery runs before the next write. Runs in
 * the write queue.
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

  /** One write alone (a batch of one). */
  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    const [outcome] = await this.commitBatch([{ changes, options }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result;
  }

  async commitBatch(writes: BatchWrite[]): Promise<BatchOutcome[]> {
    const { ctx, indexes } = this;
    if (this.mustRecover) {
      try {
        await this.recover();
      } catch (error) {
        const failure = storageError(error) ?? ctx.gitError('recovery', error);
        return writes.map(() => ({ ok: false, error: failure }));
      }
      this.mustRecover = false;
    }
    const head = await ctx.head();
    const outcomes: (BatchOutcome | null)[] = writes.map(() => null);
    /** The files as the accepted writes so far leave them (path → bytes, null: absent). */
    const overlay = new Map<string, Uint8Array | null>();
    /** Each path's bytes before the batch, for the journal and a roll-back. */
    const original = new Map<string, Uint8Array | null>();
    /** The accepted write that last changed each path (an unchanged write answers with its commit). */
    const lastWriter = new Map<string, number>();
    const accepted: number[] = [];
    const unchangedOf = new Map<number, number | null>();
    for (const [i, { changes }] of writes.entries()) {
      try {
        const befores: (Uint8Array | null)[] = [];
        for (const change of changes) {
          assertNoSymlink(ctx.root, change.path);
          const current = overlay.has(change.path)
            ? overlay.get(change.path)!
            : await readInRoot(ctx.root, change.path);
          if (!original.has(change.path)) original.set(change.path, current);
          const failure = preconditionFailure(change, current, current ? blobId(current) : null);
          if (failure) throw failure;
          befores.push(current);
        }
        const unchanged = changes.every((c, k) => {
          const before = befores[k];
          return c.bytes === null ? before === null : before != null && Buffer.from(before).equals(c.bytes);
        });
        if (unchanged && (head || changes.some((c) => lastWriter.has(c.path)))) {
          // Nothing to write: answered with the commit that already holds these bytes.
          const holders = changes.map((c) => lastWriter.get(c.path) ?? -1);
          unchangedOf.set(i, Math.max(...holders) >= 0 ? Math.max(...holders) : null);
          continue;
        }
        for (const change of changes) {
          overlay.set(change.path, change.bytes);
          lastWriter.set(change.path, i);
        }
        accepted.push(i);
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
    const versionsOf = (changes: FileChange[]): Record<string, string | null> =>
      Object.fromEntries(changes.map((c) => [c.path, c.bytes ? blobId(c.bytes) : null]));
    const date = new Date();
    const when = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (accepted.length) {
      const paths = [...overlay.keys()];
      const journal: Journal = {
        head,
        startedAt: date.toISOString(),
        ...(indexes.stale.size ? { stale: [...indexes.stale] } : {}),
        changes: paths.map((p) => {
          const before = original.get(p);
          return { path: p, before: before ? Buffer.from(before).toString('base64') : null };
        }),
      };
      try {
        await writeFileAtomic(journalPath(ctx), Buffer.from(JSON.stringify(journal)));
      } catch (error) {
        const failure = storageError(error) ?? error;
        for (const i of accepted) outcomes[i] = { ok: false, error: failure };
        accepted.length = 0;
      }
    }
    if (accepted.length) {
      const paths = [...overlay.keys()];
      let shas: string[];
      try {
        for (const p of paths) {
          const absolute = resolveInRoot(ctx.root, p);
          const bytes = overlay.get(p)!;
          if (bytes === null) await removeFileAndEmptyParents(absolute, ctx.root);
          else await writeFileAtomic(absolute, bytes, ctx.tempOptions);
        }
        shas = await this.commitWithFastImport(
          head,
          accepted.map((i) => writes[i]!),
          date,
        );
      } catch (error) {
        // When even the roll-back fails (a full disk), the journal stays and recovery runs again
        // before the next write: the working tree never keeps an uncommitted half of a write.
        if (await this.rollback(paths, original)) await indexes.syncIndex();
        else this.mustRecover = true;
        const failure = storageError(error) ?? ctx.gitError('commit', error);
        for (const i of accepted) outcomes[i] = { ok: false, error: failure };
        return this.answerUnchanged(writes, outcomes, unchangedOf, head);
      }
      // The repository's own index catches up after the commit (never before: someone's `git
      // commit` meanwhile would take this write's change), once per burst: the last of the writes
      // queued now does it for all (the journal lists them until then, and recovery redoes it
      // after a crash).
      for (const p of paths) indexes.stale.add(ctx.gitPath(p));
      if (indexes.ownIndexDue) await indexes.syncIndex();
      for (const [k, i] of accepted.entries()) {
        const { changes, options } = writes[i]!;
        outcomes[i] = {
          ok: true,
          result: {
            sha: shas[k]!,
            author: { ...options.author },
            date: when,
            message: options.message,
            versions: versionsOf(changes),
          },
        };
      }
    }
    return this.answerUnchanged(writes, outcomes, unchangedOf, head);
  }

  /** Writes that changed nothing get the commit holding their bytes (or the earlier write's error). */
  private async answerUnchanged(
    writes: BatchWrite[],
    outcomes: (BatchOutcome | null)[],
    unchangedOf: Map<number, number | null>,
    head: string | null,
  ): Promise<BatchOutcome[]> {
    for (const [i, holder] of unchangedOf) {
      const versions = Object.fromEntries(
        writes[i]!.changes.map((c) => [c.path, c.bytes ? blobId(c.bytes) : null]),
      );
      if (holder === null) {
        outcomes[i] = { ok: true, result: { ...(await this.history.commit(head!)), versions } };
        continue;
      }
      const earlier = outcomes[holder]!;
      outcomes[i] = earlier.ok ? { ok: true, result: { ...earlier.result, versions } } : earlier;
    }
    return outcomes as BatchOutcome[];
  }

  /**
   * One `git fast-import` makes the batch's commits from the writes' bytes on top of `head`, one
   * after the other: no index is read or written, so each commit holds exactly its write's paths
   * whatever else is staged, Git never scans the work tree, hooks and signing do not run, and it
   * is one process for the whole batch. The branch moves once, and only forward from `head`: when
   * something else moved it meanwhile, fast-import leaves it alone and the batch fails (and is
   * rolled back).
   */
  private async commitWithFastImport(
    head: string | null,
    writes: BatchWrite[],
    date: Date,
  ): Promise<string[]> {
    const { ctx } = this;
    this.committer ??= await committerIdentity(ctx.plumbing);
    const branch = await ctx.branch();
    // A detached HEAD: build on a scratch ref, then move HEAD by compare-and-swap.
    const ref = branch ?? SCRATCH_REF;
    const stream = new FastImportStream();
    const when = rawDate(date);
    for (const [k, { changes, options }] of writes.entries()) {
      stream.commit(ref, {
        author: `${identity(options.author.name, options.author.email)} ${when}`,
        committer: `${this.committer} ${when}`,
        message: options.message,
        // The first commit starts at `head`; each next one continues from the one before.
        from: k === 0 ? head : null,
      });
      for (const change of changes) {
        if (change.bytes === null) stream.remove(ctx.gitPath(change.path));
        else stream.put(ctx.gitPath(change.path), change.bytes);
      }
      stream.end();
    }
    const commits = await stream.run(ctx.plumbing, { force: branch === null });
    ctx.packs.check();
    if (branch === null) {
      const last = writes[writes.length - 1]!.options.message.split('\n')[0];
      try {
        await ctx.plumbing.run([
          'update-ref',
          '--no-deref',
          '-m',
          `commit: ${last}`,
          'HEAD',
          commits[commits.length - 1]!,
          head ?? '0'.repeat(40),
        ]);
      } finally {
        await ctx.plumbing.run(['update-ref', '-d', SCRATCH_REF]).catch(() => undefined);
      }
    }
    return commits;
  }

  /** Puts the files of a failed batch back as they were before it; false when that failed too. */
  private async rollback(paths: string[], original: Map<string, Uint8Array | null>): Promise<boolean> {
    const { root } = this.ctx;
    const gitPaths = paths.map((p) => this.ctx.gitPath(p));
    await this.ctx.git(['reset', '--quiet', '--', ...gitPaths]).catch(() => undefined);
    let ok = true;
    for (const p of paths) {
      const absolute = resolveInRoot(root, p);
      const before = original.get(p) ?? null;
      const current = await readInRoot(root, p).catch(() => null);
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
