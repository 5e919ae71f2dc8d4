import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WriteQueue } from '../queue.js';
import type { GitContext } from './context.js';

export const JOURNAL = 'mimsy-journal.json';
const PRIVATE_INDEX = 'mimsy-index';
/**
 * The private index is a split index: a write rewrites only the few entries it changed, not the
 * whole index (1 MB for 10,000 entries), which halves Git's time per commit in a large repository.
 * Only the private index: the repository's own index stays in the format every Git tool reads.
 */
export const SPLIT_INDEX = ['-c', 'core.splitIndex=true'];

/**
 * Per repository (per write queue): paths committed whose entries in the repository's own index
 * are not updated yet. Writes that queue up behind each other update that index once, after the
 * last of them, rather than once each (it is the whole index file every time).
 */
const staleIndexes = new WeakMap<WriteQueue, Set<string>>();

/**
 * The two Git indexes a write deals with: Mimsy's private index (.git/mimsy-index, kept equal to
 * HEAD, from which commits are made) and the repository's own index, which catches up with
 * Mimsy's commits once per burst of writes.
 */
export class GitIndexes {
  /** The shared index the private index splits off (undefined: not looked at yet). */
  private privateShared: string | null | undefined = undefined;
  /** How many shared index files the Git directory held when last looked at. */
  private sharedIndexCount = 0;
  /** The commit the private index currently mirrors (undefined: unknown, rebuild it). */
  private privateIndexHead: string | null | undefined = undefined;

  constructor(private readonly ctx: GitContext) {}

  /** The private index file, for GIT_INDEX_FILE. */
  get privateFile(): string {
    return path.join(this.ctx.gitDir, PRIVATE_INDEX);
  }

  /** Paths committed that the repository's own index lags (shared by every store on this queue). */
  get stale(): Set<string> {
    let stale = staleIndexes.get(this.ctx.queue);
    if (!stale) staleIndexes.set(this.ctx.queue, (stale = new Set()));
    return stale;
  }

  /** HEAD moved by something else than a commit from the private index: rebuild it next time. */
  forget(): void {
    this.privateIndexHead = undefined;
  }

  /** The private index now mirrors `head` (a commit was just made from it). */
  mirrors(head: string): void {
    this.privateIndexHead = head;
  }

  /**
   * Brings the repository's own index up to date for the paths committed since it last was (so
   * that `git status` is clean and Git commands that need the index see HEAD), then drops the
   * journal that remembered them. Best effort: a user's git holding the index lock for long does
   * not fail a write.
   */
  async syncIndex(): Promise<void> {
    const stale = this.stale;
    if (stale.size) {
      await this.gitWithLockRetry(['update-index', '--add', '--remove', '--', ...stale]).catch(
        () => undefined,
      );
      stale.clear();
    }
    await rm(path.join(this.ctx.gitDir, JOURNAL), { force: true });
  }

  /** Makes the private index mirror `head` (after outside commits, pulls, or at first use). */
  async preparePrivateIndex(head: string | null): Promise<void> {
    if (this.privateIndexHead === head && existsSync(this.privateFile)) return;
    await this.dropPrivateIndex();
    if (head)
      await this.ctx.plumbing.run([...SPLIT_INDEX, 'read-tree', head], {
        env: { GIT_INDEX_FILE: this.privateFile },
      });
    this.privateIndexHead = head;
  }

  /**
   * Removes the private index and the shared index it split off; never the shared index of the
   * repository's own index (a user may have turned split index on for it).
   */
  async dropPrivateIndex(): Promise<void> {
    if (!existsSync(this.privateFile)) return;
    const shared = await this.sharedIndexOf(this.privateFile);
    await rm(this.privateFile, { force: true });
    if (shared && shared !== (await this.sharedIndexOf())) await rm(shared, { force: true });
    this.privateShared = undefined;
  }

  /** After a crash: no private index, its lock, or shared index files nobody uses. */
  async clearAfterCrash(): Promise<void> {
    await this.dropPrivateIndex();
    await rm(this.privateFile + '.lock', { force: true });
    await removeStaleSharedIndexes(this.ctx.gitDir, await this.sharedIndexOf());
  }

  /** The shared index file that `index` (default: the repository's own) splits off, if any. */
  private async sharedIndexOf(index?: string): Promise<string | null> {
    const out = await this.ctx.plumbing
      .run(['rev-parse', '--shared-index-path'], index ? { env: { GIT_INDEX_FILE: index } } : {})
      .catch(() => '');
    return out.trim() ? path.join(this.ctx.gitDir, path.basename(out.trim())) : null;
  }

  /**
   * After Git wrote the private index: when it split off a new shared index (every so many
   * changed entries), removes the one it replaced, which Git itself would keep for two weeks.
   * A look at the Git directory per write; a git process only when a shared index appeared.
   */
  async forgetReplacedSharedIndex(): Promise<void> {
    const names = (await readdir(this.ctx.gitDir).catch(() => [] as string[])).filter((n) =>
      n.startsWith('sharedindex.'),
    );
    if (this.privateShared !== undefined && names.length <= this.sharedIndexCount) return;
    const current = await this.sharedIndexOf(this.privateFile);
    const previous = this.privateShared;
    let count = names.length;
    if (previous && previous !== current && previous !== (await this.sharedIndexOf())) {
      await rm(previous, { force: true });
      count--;
    }
    this.privateShared = current;
    this.sharedIndexCount = count;
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
