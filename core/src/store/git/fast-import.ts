import { PackUpkeep } from './packs.js';
import { cleanIdentity, FULL_SHA as SHA } from './context.js';
import type { ReplicaGit } from './replay.js';

/**
 * A `git fast-import` stream: commits built from file changes in one process, without an index.
 * Both ways Mimsy makes commits use it — a write (one commit from the editor's files) and a
 * replay (local commits re-created on top of the remote).
 */
export class FastImportStream {
  private readonly parts: Buffer[] = [Buffer.from('feature done\n')];
  private marks = 0;

  /** Starts a commit on `ref`; returns its mark (`:n`), whose id `run` reports. */
  commit(
    ref: string,
    c: { author: string; committer: string; message: string; from?: string | null },
  ): number {
    const mark = ++this.marks;
    this.line(`commit ${ref}`);
    this.line(`mark :${mark}`);
    this.line(`author ${c.author}`);
    this.line(`committer ${c.committer}`);
    this.data(Buffer.from(c.message));
    if (c.from) this.line(`from ${c.from}`);
    return mark;
  }

  /** The file at `path` (from the top of the work tree) holds `bytes` in the current commit. */
  put(path: string, bytes: Uint8Array, mode = '100644'): void {
    this.line(`M ${mode} inline ${quotePath(path)}`);
    this.data(bytes);
  }

  /** The file at `path` points to an existing blob in the current commit. */
  putBlob(path: string, blob: string, mode: string): void {
    this.line(`M ${mode} ${blob} ${quotePath(path)}`);
  }

  remove(path: string): void {
    this.line(`D ${quotePath(path)}`);
  }

  /** Ends the current commit. */
  end(): void {
    this.line('');
  }

  /**
   * Runs fast-import and returns each commit's id, in mark order. `force` lets it move a ref that
   * is not an ancestor of its new commit (Mimsy's scratch refs); without it a branch that moved
   * meanwhile is left alone and the run fails, so a write never drops someone else's commit.
   */
  async run(git: ReplicaGit, options: { force?: boolean } = {}): Promise<string[]> {
    for (let i = 1; i <= this.marks; i++) this.line(`get-mark :${i}`);
    this.line('done');
    const out = await git.run(
      [
        ...PackUpkeep.keepPack,
        'fast-import',
        '--quiet',
        '--date-format=raw',
        ...(options.force ? ['--force'] : []),
      ],
      { input: Buffer.concat(this.parts) },
    );
    const ids = out
      .split('\n')
      .slice(0, this.marks)
      .map((l) => l.trim());
    if (ids.length !== this.marks || !ids.every((id) => SHA.test(id)))
      throw new Error(`git fast-import did not report the ${this.marks} commit(s) it made`);
    return ids;
  }

  private line(text: string): void {
    this.parts.push(Buffer.from(`${text}\n`));
  }

  private data(bytes: Uint8Array): void {
    this.line(`data ${bytes.byteLength}`);
    this.parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), Buffer.from('\n'));
  }
}

/** Where a write on a detached HEAD builds its commit before HEAD moves to it. */
export const SCRATCH_REF = 'refs/mimsy/commit';

/** A path as fast-import reads it: always C-quoted, so spaces, quotes and newlines are safe. */
export function quotePath(p: string): string {
  return `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `Name <email>`: fast-import takes a name or e-mail up to `<` or `>` (empty ones get a stand-in). */
export function identity(name: string, email: string): string {
  return `${cleanIdentity(name) || 'Unknown'} <${cleanIdentity(email) || 'unknown@localhost'}>`;
}

/**
 * Who commits, as `git commit-tree` would have it: the repository's identity (or Mimsy's when it
 * has none), from the environment and config as Git reads them; `Name <email>` without a date.
 */
export async function committerIdentity(git: ReplicaGit): Promise<string> {
  const ident = (await git.run([...git.committerArgs, 'var', 'GIT_COMMITTER_IDENT'])).trim();
  return ident.replace(/\s+\d+\s+[+-]\d{4}$/, '');
}

/** A time as fast-import's `raw` format has it (seconds since the epoch, UTC). */
export function rawDate(date = new Date()): string {
  return `${Math.floor(date.getTime() / 1000)} +0000`;
}
