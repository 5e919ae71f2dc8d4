import { ErrorCodes, MimsyError } from '../../errors.js';
import { redact } from '../../redact.js';
import type { ParkedCommits, RemoteStatus, RemoteSync, SyncOptions, SyncResult } from '../port.js';
import { FULL_SHA, type GitContext } from './context.js';
import type { GitIndexes } from './indexes.js';
import type { GitPublisher } from './publisher.js';
import { rebaseOnto } from './rebase.js';
import { changedPaths, classifyPushFailure, gitMessage, gitOutput, revParse } from './replay.js';
import { gitEnvironment, gitRunner } from './run.js';
import { SharedLines } from './shared-lines.js';

/** The Git store's remote capability: where it stands against the remote, pull and push. */
export class GitRemote implements RemoteSync {
  constructor(
    private readonly ctx: GitContext,
    private readonly indexes: GitIndexes,
    private readonly publisher: GitPublisher,
  ) {}

  onRemoteChange(listener: (paths: string[]) => void): () => void {
    return this.publisher.onRemoteChange(listener);
  }

  onPublished(listener: (head: string) => void): () => void {
    return this.publisher.onPublished(listener);
  }

  async hasVersion(version: string): Promise<boolean> {
    if (!FULL_SHA.test(version)) return false;
    return this.ctx.plumbing.run(['cat-file', '-e', `${version}^{blob}`]).then(
      () => true,
      () => false,
    );
  }

  async contains(sha: string): Promise<boolean> {
    if (!FULL_SHA.test(sha)) return false;
    const head = await this.ctx.head();
    if (!head) return false;
    if (head === sha) return true;
    return this.ctx.plumbing.run(['merge-base', '--is-ancestor', sha, head]).then(
      () => true,
      () => false,
    );
  }

  /** Lines shared with other replicas through `remote` (shared-lines.ts); only here without one. */
  async sharedLines(name: string, remote: string | null): Promise<SharedLines> {
    const through = remote && (await this.ctx.hasRemote(remote)) ? remote : null;
    return new SharedLines(this.ctx.plumbing.run, name, through, this.ctx.committerArgs);
  }

  async remoteStatus(remote: string, branch: string): Promise<RemoteStatus> {
    const { ctx } = this;
    const head = await ctx.head();
    const current = (await ctx.git(['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => '')).trim() || null;
    const hasRemote = await ctx.hasRemote(remote);
    let ahead = 0;
    let behind = 0;
    if (hasRemote && head) {
      const counts = await ctx
        .git(['rev-list', '--left-right', '--count', `HEAD...refs/remotes/${remote}/${branch}`])
        .catch(() => null);
      if (counts) [ahead = 0, behind = 0] = counts.trim().split(/\s+/).map(Number);
      else ahead = Number((await ctx.git(['rev-list', '--count', 'HEAD']).catch(() => '0')).trim());
    }
    return {
      branch: current === 'HEAD' ? null : current,
      head,
      remote: hasRemote ? remote : null,
      hasRemote,
      ahead,
      behind,
      lastSync: this.publisher.lastSync,
      parked: await this.listParked(remote),
    };
  }

  /**
   * The `mimsy/unpublished-…` branches in this repository (they outlive the process that made
   * them), with the files their commits touch and whether the remote has them too.
   */
  private async listParked(remote: string): Promise<ParkedCommits[]> {
    const { ctx } = this;
    const refs = await ctx.plumbing
      .run([
        'for-each-ref',
        '--format=%(refname:strip=2)%00%(creatordate:iso-strict)',
        'refs/heads/mimsy/unpublished-*',
      ])
      .catch(() => '');
    const out: ParkedCommits[] = [];
    for (const line of refs.split('\n').filter(Boolean)) {
      const [branch = '', date = ''] = line.split('\0');
      const known = this.publisher.parkedBranches.find((p) => p.branch === branch);
      if (known) {
        out.push({ ...known, files: [...known.files] });
        continue;
      }
      const base = (await ctx.plumbing.run(['merge-base', 'HEAD', branch]).catch(() => '')).trim();
      const files = base
        ? (await changedPaths(ctx.plumbing, base, branch)).map((p) => ctx.fromGitPath(p))
        : [];
      const pushed = (await revParse(ctx.plumbing, `refs/remotes/${remote}/${branch}`)) !== null;
      out.push({ branch, at: date, files, pushed });
    }
    return out;
  }

  /**
   * Fetches `remote/branch`, rebases local commits onto it and (optionally) pushes, retrying when
   * the push loses a race. A rebase that would conflict is aborted: local commits stay as they
   * were and a SYNC_CONFLICT error names the files. Runs in the write queue.
   */
  sync(remote: string, branch: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.ctx.queue.run(async () => {
      options.onStart?.();
      try {
        await this.indexes.syncIndex();
        const result = await this.syncNow(remote, branch, options.push !== false, options.mode ?? 'rebase');
        this.publisher.lastSync = { at: new Date().toISOString(), ok: true };
        return result;
      } catch (error) {
        const failure = error instanceof MimsyError ? error : this.ctx.gitError('sync', error);
        this.publisher.lastSync = { at: new Date().toISOString(), ok: false, error: failure.message };
        throw failure;
      }
    });
  }

  private async syncNow(
    remote: string,
    branch: string,
    push: boolean,
    mode: 'rebase' | 'replica',
  ): Promise<SyncResult> {
    const { ctx } = this;
    if (!(await ctx.hasRemote(remote))) {
      throw new MimsyError(
        ErrorCodes.REMOTE,
        `The repository has no remote named "${remote}". Add one with "git remote add ${remote} <url>".`,
      );
    }
    const tracking = `refs/remotes/${remote}/${branch}`;
    const before = await ctx.head();
    let pushed = false;
    /** What the replica's pulls changed (they tell listeners themselves), when only they moved HEAD. */
    const integrated: string[] | null = mode === 'replica' ? [] : null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const remoteHas = await fetchBranch(ctx, remote, branch);
      if (remoteHas && mode === 'replica') integrated?.push(...(await this.publisher.pull(tracking, remote)));
      else if (remoteHas) await rebaseOnto(ctx, this.indexes, tracking);
      // A replica's writers have a push of their own coming: a pull need not push for them.
      if (!push || (mode === 'replica' && this.publisher.busy)) break;
      const head = await ctx.head();
      if (!head) break;
      if (remoteHas && (await ctx.git(['rev-parse', tracking])).trim() === head) break;
      try {
        await ctx.plumbing.run(['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
        pushed = true;
        await ctx.plumbing.run(['update-ref', tracking, head]);
        this.publisher.published(head);
        break;
      } catch (error) {
        if (classifyPushFailure(gitOutput(error)) !== 'race' || attempt === 3)
          throw new MimsyError(
            ErrorCodes.REMOTE,
            `Pushing to ${remote} failed: ${gitMessage(error)}`,
            undefined,
            {
              cause: error,
            },
          );
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
      }
    }
    const after = await ctx.head();
    let changed: string[] = [];
    if (integrated && before && after) {
      // One process less per pull: the integrations said what they changed (content paths only).
      changed = [...new Set(integrated)]
        .filter((p) => p.startsWith(ctx.prefix))
        .map((p) => ctx.fromGitPath(p));
    } else if (before && after && before !== after) {
      const diff = await ctx.git([
        '-c',
        'core.quotePath=false',
        'diff',
        '--no-renames',
        '--name-only',
        before,
        after,
        '--',
        ctx.gitPathspec(''),
      ]);
      changed = diff
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((p) => ctx.fromGitPath(p));
    } else if (!before && after) {
      changed = (await ctx.git(['ls-files', '-z', '--', ctx.gitPathspec('')]))
        .split('\0')
        .filter(Boolean)
        .map((p) => ctx.fromGitPath(p));
    }
    return { changed, pushed, head: after };
  }
}

/** Fetches one branch into its remote-tracking ref; false when the remote does not have it yet. */
export async function fetchBranch(ctx: GitContext, remote: string, branch: string): Promise<boolean> {
  try {
    await ctx.git([
      'fetch',
      '--quiet',
      '--no-tags',
      remote,
      `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`,
    ]);
    return true;
  } catch (error) {
    const message = String((error as Error).message);
    if (/couldn't find remote ref|could not find remote ref/i.test(message)) return false;
    throw new MimsyError(
      ErrorCodes.REMOTE,
      `Fetching from ${remote} failed: ${gitMessage(message)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

/** Points `remote` of the repository at `dir` to `url` (adding the remote when missing). */
export async function setRemoteUrl(dir: string, remote: string, url: string): Promise<void> {
  const git = gitRunner(dir, gitEnvironment());
  const remotes = (await git(['remote']).catch(() => '')).split('\n').map((r) => r.trim());
  await git(['remote', remotes.includes(remote) ? 'set-url' : 'add', remote, url]).catch((error: unknown) => {
    throw new MimsyError(
      ErrorCodes.REMOTE,
      `Could not point "${remote}" at the configured URL: ${gitMessage(error)}`,
      undefined,
      { cause: error },
    );
  });
}

/** Clones `url` into `dir` (which must not exist or be empty) on `branch`. */
export async function cloneRepository(url: string, dir: string, branch: string): Promise<void> {
  const git = gitRunner(process.cwd(), gitEnvironment());
  try {
    await git(['clone', '--quiet', '--branch', branch, '--', url, dir]);
  } catch (error) {
    const message = String((error as Error).message);
    if (/Remote branch .* not found/i.test(message)) {
      await git(['clone', '--quiet', '--', url, dir]);
      return;
    }
    throw new MimsyError(
      ErrorCodes.REMOTE,
      `Cloning ${redact(url)} failed: ${gitMessage(message)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}
