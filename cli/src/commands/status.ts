import { execFileSync } from 'node:child_process';
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
}

export async function run(options: { cwd: string }): Promise<StatusResult> {
  const root = await repositoryRoot(options.cwd);
  const project = await loadProject(root);
  const store = await GitStore.open(root);
  const git = await store.remoteStatus(project.config.git.remote, project.config.git.branch);
  await store.close();
  const uncommitted = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  const report = index.validate();
  return {
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
    ...r.git.parked.map(
      (p) =>
        `Parked      ${p.branch}${p.pushed ? ' (also on the remote)' : ''}: ${p.files.join(', ')} — commits the remote made impossible to replay; merge or delete the branch`,
    ),
    '',
    table([['schema', 'kind', 'entries'], ...r.schemas.map((s) => [s.name, s.kind, String(s.entries)])]),
  ].join('\n');
}
