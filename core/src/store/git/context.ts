import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MimsyError } from '../../errors.js';
import type { WriteQueue } from '../queue.js';
import type { GitRun, GitRunBytes } from './run.js';
import { gitMessage, type ReplicaGit } from './replay.js';

import { PackUpkeep } from './packs.js';

export const SHA = /^[0-9a-f]{4,64}$/;
/** A whole object id: SHA-1 (40 hex digits) or SHA-256 (64). */
export const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Per repository (per write queue): never two roll-ups of its packs at once. */
const upkeeps = new WeakMap<WriteQueue, PackUpkeep>();

/**
 * What every part of the Git store shares: where the repository is, how git runs there, and how
 * content paths map to Git's. Made once by `GitStore.open`.
 */
export class GitContext {
  constructor(
    /** The content root (absolute). */
    readonly root: string,
    readonly gitDir: string,
    /** The content root's path inside the Git work tree ('' or 'site/'). */
    readonly prefix: string,
    /** Serializes writes (commits, pulls, pushes) per repository. */
    readonly queue: WriteQueue,
    /** git from the top of the work tree, for reads (a few at a time). */
    readonly git: GitRun,
    readonly gitBytes: GitRunBytes,
    /** Plain git runner from the top of the work tree: writes, and the replay plumbing. */
    readonly plumbing: ReplicaGit,
    /** Where content temp files go: the Git directory when it is on the same file system. */
    readonly tempOptions: { tempDir?: string },
  ) {}

  /** Rolls up the packs the store's commits leave (one per batch); one per repository. */
  get packs(): PackUpkeep {
    let upkeep = upkeeps.get(this.queue);
    if (!upkeep) upkeeps.set(this.queue, (upkeep = new PackUpkeep(this.plumbing)));
    return upkeep;
  }

  /** `-c user.name=… -c user.email=…` when the repository has no committer configured. */
  get committerArgs(): string[] {
    return this.plumbing.committerArgs;
  }

  /** Path as Git names it from the top of the work tree. */
  gitPath(p: string): string {
    return this.prefix + p;
  }

  /** A pathspec for a file or folder of the content root ('' or '.' is the root itself). */
  gitPathspec(p: string): string {
    const inside = p === '.' ? '' : p.replace(/\/+$/, '');
    return (this.prefix + inside).replace(/\/$/, '') || '.';
  }

  /** A path Git printed, relative to the content root. */
  fromGitPath(p: string): string {
    return this.prefix && p.startsWith(this.prefix) ? p.slice(this.prefix.length) : p;
  }

  /** The commit HEAD points to, or null on an unborn branch. Reads .git directly: no process. */
  async head(): Promise<string | null> {
    try {
      const head = (await readFile(path.join(this.gitDir, 'HEAD'), 'utf8')).trim();
      if (!head.startsWith('ref: ')) return SHA.test(head) ? head : null;
      const ref = head.slice(5);
      try {
        const sha = (await readFile(path.join(this.gitDir, ref), 'utf8')).trim();
        if (SHA.test(sha)) return sha;
      } catch {
        // packed or unborn: ask git
      }
      const out = await this.git(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '');
      return out.trim() || null;
    } catch {
      return null;
    }
  }

  /** The branch HEAD points to (`refs/heads/main`), or null when HEAD is detached. */
  async branch(): Promise<string | null> {
    const head = (await readFile(path.join(this.gitDir, 'HEAD'), 'utf8')).trim();
    return head.startsWith('ref: ') ? head.slice(5).trim() : null;
  }

  /** Whether `remote` is configured in the repository. */
  async hasRemote(remote: string): Promise<boolean> {
    // The common case without a process (a pull runs this each time): the section in .git/config.
    const config = await readFile(path.join(this.gitDir, 'config'), 'utf8').catch(() => '');
    const section = `[remote "${remote.replace(/["\\]/g, '\\$&')}"]`;
    if (config.split('\n').some((line) => line.trim() === section)) return true;
    const remotes = await this.git(['remote']).catch(() => '');
    return remotes
      .split('\n')
      .map((r) => r.trim())
      .includes(remote);
  }

  /** A MimsyError (GIT) for a failed git step, unless it is one already. */
  gitError(operation: string, error: unknown): MimsyError {
    if (error instanceof MimsyError) return error;
    return new MimsyError(ErrorCodes.GIT, `Git ${operation} failed: ${gitMessage(error)}`, undefined, {
      cause: error,
    });
  }
}

/** Removes characters that would break an `Name <email>` identity. */
export function cleanIdentity(s: string): string {
  return s.replace(/[<>\n\r\0]/g, '').trim();
}
