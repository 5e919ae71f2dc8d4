import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WriteQueue } from '../queue.js';
import type { GitContext } from './context.js';

export const JOURNAL = 'mimsy-journal.json';
/** The private index earlier versions committed from (now unused; removed at open if left). */
const LEGACY_PRIVATE_INDEX = 'mimsy-index';

/**
 * How many committed paths the repository's own index may lag under sustained concurrent writes
 * before a write updates it anyway (the journal lists them, so it stays small).
 */
const MAX_STALE = 256;

/**
 * Per repository (per write queue): paths committed whose entries in the repository's own index
 * are not updated yet. Writes that queue up behind each other update that index once, after the
 * last of them, rather than once each (it is the whole index file every time).
 */
const staleIndexes = new WeakMap<WriteQueue, Set<string>>();

/**
 * The repository's own Git index as Mimsy's writes keep it: commits are made without it (see
 * commit.ts), and it catches up with them once per burst of writes, so `git status` stays clean.
 */
export class GitIndexes {
  constructor(private readonly ctx: GitContext) {}

  /** Paths committed that the repository's own index lags (shared by every store on this queue). */
  get stale(): Set<string> {
    let stale = staleIndexes.get(this.ctx.queue);
    if (!stale) staleIndexes.set(this.ctx.queue, (stale = new Set()));
    return stale;
  }

  /**
   * Brings the repository's own index up to date for the paths committed since it last was (so
   * that `git status` is clean and Git commands that need the index see HEAD), then drops the
   * journal that remembered them. Best effort: a user's git holding the index lock for long does
   * not fail a write.
   */
  async syncIndex(): Promise<void> {
    const paths = [...this.stale];
    if (paths.length) {
      await this.gitWithLockRetry(['update-index', '--add', '--remove', '--', ...paths]).catch(
        () => undefined,
      );
      for (const p of paths) this.stale.delete(p);
    }
    await rm(path.join(this.ctx.gitDir, JOURNAL), { force: true });
  }

  /** Whether a write should bring the repository's own index up to date: the last one queued. */
  get ownIndexDue(): boolean {
    return this.ctx.queue.size <= 1 || this.stale.size >= MAX_STALE;
  }

  /** Brings the repository's own index up to date now if a write left it behind (in the queue). */
  async flush(): Promise<void> {
    if (this.stale.size) await this.ctx.queue.run(() => this.syncIndex());
  }

  /**
   * At open: no private index left by an earlier version (nor its lock), and no shared index file
   * nobody uses (a kill -9 during a split-index write orphans one).
   */
  async clearAfterCrash(): Promise<void> {
    const legacy = path.join(this.ctx.gitDir, LEGACY_PRIVATE_INDEX);
    await rm(legacy, { force: true });
    await rm(legacy + '.lock', { force: true });
    await removeStaleSharedIndexes(this.ctx.gitDir, await this.sharedIndexOf());
  }

  /** The shared index file the repository's own index splits off, if any. */
  private async sharedIndexOf(): Promise<string | null> {
    const out = await this.ctx.plumbing.run(['rev-parse', '--shared-index-path']).catch(() => '');
    return out.trim() ? path.join(this.ctx.gitDir, path.basename(out.trim())) : null;
  }

  /** Runs git, waiting out another process's index.lock for a short while. */
  private async gitWithLockRetry(args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ctx.plumbing.run(args);
      } catch (error) {
        const message = String((error as Error).message);
        if (!message.includes('index.lock') || attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 50 + attempt * 20));
        const lock = path.join(this.ctx.gitDir, 'index.lock');
        if ((await ageMs(lock)) > 10_000) await rm(lock, { force: true });
      }
    }
  }
}

/**
 * With the private index gone, removes shared index files that a kill -9 orphaned (one written
 * just before the crash, or git's sharedindex_XXXXXX temporary files), except the one the
 * repository's own index uses; files younger than a minute may belong to a live git process.
 */
async function removeStaleSharedIndexes(gitDir: string, inUse: string | null): Promise<void> {
  const names = await readdir(gitDir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(gitDir, name);
    if (!/^sharedindex[._]/.test(name) || file === inUse) continue;
    if ((await ageMs(file)) > 60_000) await rm(file, { force: true });
  }
}

/** How long ago `file` was last modified, in ms; 0 when it is gone. */
async function ageMs(file: string): Promise<number> {
  return stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
}
