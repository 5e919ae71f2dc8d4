import { GitStore, loadProject, MimsyError } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';
import { progress, progressDone } from '../output.js';

export interface SyncOptions {
  cwd: string;
  json?: boolean;
  remote?: string;
  branch?: string;
  autostash?: boolean;
}

export interface SyncResult {
  remote: string;
  branch: string;
  changed: string[];
  pushed: boolean;
  head: string | null;
}

/** `mimsy sync`: fetch, rebase local commits onto the remote, push. */
export async function run(options: SyncOptions): Promise<SyncResult> {
  const root = await repositoryRoot(options.cwd);
  const config = (await loadProject(root)).config;
  const remote = options.remote ?? config.git.remote;
  const branch = options.branch ?? config.git.branch;
  const store = await GitStore.open(root);
  try {
    const tree = await store.workTree();
    if (tree.inProgress)
      throw new UserError(
        `A ${tree.inProgress} is in progress in this repository, so nothing was synced. Finish it ("git ${tree.inProgress} --continue", after resolving the files "git status" lists) or go back ("git ${tree.inProgress} --abort"), then run "mimsy sync" again.`,
      );
    const dirty = tree.uncommitted;
    if (dirty.length && !options.autostash) {
      throw new UserError(
        `There are ${dirty.length} uncommitted change(s) (e.g. ${dirty[0]!.slice(3)}). Commit them first, or run "mimsy sync --autostash" to set them aside during the sync.`,
      );
    }
    if (!options.json) progress(`Syncing with ${remote}/${branch}: fetch, rebase, push…`);
    const result = await store.remote.sync(remote, branch, { push: true });
    progressDone();
    return { remote, branch, ...result };
  } catch (error) {
    progressDone();
    if (
      error instanceof MimsyError &&
      error.code === 'MIMSY_ERR_SYNC_CONFLICT' &&
      (error.details as { uncommitted?: boolean } | undefined)?.uncommitted
    ) {
      const files = (error.details as { files?: string[] }).files ?? [];
      throw new UserError(
        [
          `Your uncommitted edits${files.length ? ` to ${files.join(', ')}` : ''} conflict with what the remote changed.`,
          'Nothing was changed: your commits, your edits and the stash list are exactly as before the sync.',
          'To resolve:',
          '  git commit -am "…"     # commit your edits, then',
          '  mimsy sync             # a conflict between commits is kept on a branch, losing nothing',
          '(or set them aside: git stash, mimsy sync, git stash pop)',
        ].join('\n'),
        { files, uncommitted: true },
      );
    }
    if (error instanceof MimsyError && error.code === 'MIMSY_ERR_SYNC_CONFLICT') {
      const files =
        ((error.details as { files?: string[] } | undefined)?.files ?? []).join(', ') ||
        '(see git status after rebasing)';
      const saved = `mimsy/unsynced-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
      await store.saveBranch(saved);
      const local =
        (await store.workTree({ branches: saved, upstream: `refs/remotes/${remote}/${branch}` })).branches[0]
          ?.commits ?? 0;
      throw new UserError(
        [
          `The remote changed the same content as your ${local} local commit(s): ${files}.`,
          `Nothing was lost: your commits are unchanged on ${branch}, also saved on branch ${saved}, and the working tree is clean.`,
          'To resolve:',
          `  git rebase ${remote}/${branch}        # stops at the conflict`,
          `  # edit ${files}, keep what both sides need, then:`,
          '  git add <files> && git rebase --continue',
          '  mimsy sync',
          `(or give up your side with: git reset --hard ${remote}/${branch} — the branch ${saved} still has it)`,
        ].join('\n'),
        { files: (error.details as { files?: string[] } | undefined)?.files ?? [], savedBranch: saved },
      );
    }
    if (error instanceof MimsyError && error.code === 'MIMSY_ERR_REMOTE') throw new UserError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

export function render(result: SyncResult): string {
  const pulled = result.changed.length
    ? `pulled ${result.changed.length} changed file(s)`
    : 'nothing new from the remote';
  return `Synced with ${result.remote}/${result.branch}: ${pulled}; ${result.pushed ? 'pushed local commits' : 'nothing to push'}. Head ${result.head?.slice(0, 7) ?? '(none)'}.`;
}
