import { ContentIndex, GitStore, loadProject, ReadOnlyFsStore } from '@mimsy/core';
import type { RemoteStatus } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { table } from '../output.js';

export interface StatusResult {
  root: string;
  git: RemoteStatus;
  uncommitted: string[];
  schemas: { name: string; kind: string; entries: number }[];
  problems: number;
  /** Branches `mimsy sync` saved local commits on when the remote conflicted with them. */
  unsynced: { branch: string; commits: number }[];
  /** Files with conflict markers Git is waiting for someone to resolve. */
  conflicts: string[];
  /** A rebase or merge stopped half-way (by hand; Mimsy never leaves one). */
  inProgress: 'rebase' | 'merge' | null;
}

export async function run(options: { cwd: string }): Promise<StatusResult> {
  const root = await repositoryRoot(options.cwd);
  const project = await loadProject(root);
  const store = await GitStore.open(root, { recover: false }); // it only looks
  let git: RemoteStatus;
  let tree: Awaited<ReturnType<GitStore['workTree']>>;
  try {
    git = await store.remote.remoteStatus(project.config.git.remote, project.config.git.branch);
    tree = await store.workTree({
      branches: 'mimsy/unsynced-',
      upstream: `refs/remotes/${project.config.git.remote}/${project.config.git.branch}`,
    });
  } finally {
    await store.close();
  }
  const { uncommitted, conflicts, inProgress } = tree;
  const unsynced = tree.branches;
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  const report = index.validate();
  return {
    unsynced,
    conflicts,
    inProgress,
    root,
    git,
    uncommitted,
    schemas: [...project.schemas.values()].map((s) => ({
      name: s.name,
      kind: s.kind,
      entries: index.count(s.name),
    })),
    problems: project.issues.length + report.entries.length + report.unaddressable.length,
  };
}

export function render(r: StatusResult): string {
  const remote = r.git.remote
    ? `${r.git.remote}: ${r.git.ahead} to push, ${r.git.behind} to pull (as of the last fetch)`
    : 'no remote';
  return [
    `Repository  ${r.root}`,
    `Branch      ${r.git.branch ?? '(detached)'} at ${r.git.head?.slice(0, 7) ?? '(no commits)'}; ${remote}`,
    `Changes     ${r.uncommitted.length ? `${r.uncommitted.length} uncommitted (git status)` : 'none uncommitted'}`,
    `Problems    ${r.problems ? `${r.problems} (run "mimsy validate")` : 'none'}`,
    ...(r.inProgress
      ? [
          `Stopped     a ${r.inProgress} is half-way: resolve the files below, "git add" them, then "git ${r.inProgress} --continue" (or "git ${r.inProgress} --abort" to go back)`,
        ]
      : []),
    ...r.conflicts.map(
      (f) =>
        `Conflict    ${f}: has conflict markers (<<<<<<<); keep what both sides need, then "git add ${f}"`,
    ),
    ...r.unsynced.map(
      (u) =>
        `Unsynced    ${u.branch}: a copy of ${u.commits} local commit(s) the remote conflicted with, saved by "mimsy sync"; if your branch no longer has them, "git merge ${u.branch}" brings them back; when done, "git branch -D ${u.branch}"`,
    ),
    ...r.git.parked.map(
      (p) =>
        `Parked      ${p.branch}${p.pushed ? ' (also on the remote)' : ''}: ${p.files.join(', ')} — commits the remote made impossible to replay; merge or delete the branch`,
    ),
    '',
    table([['schema', 'kind', 'entries'], ...r.schemas.map((s) => [s.name, s.kind, String(s.entries)])]),
  ].join('\n');
}
