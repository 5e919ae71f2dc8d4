import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Person } from '../../types.js';
import type { GitContext } from './context.js';
import { inProgress } from './rebase.js';
import { gitEnvironment, gitRunner } from './run.js';

export interface WorkTreeState {
  /** `git status --porcelain` lines. */
  uncommitted: string[];
  /** Files with conflict markers, relative to the content root. */
  conflicts: string[];
  inProgress: 'rebase' | 'merge' | null;
  /** Local branches under the asked prefix, with how many commits each has that `upstream` lacks. */
  branches: { branch: string; commits: number }[];
}

/** What in the work tree waits for a person (the CLI's `status` and `sync`). */
export async function workTree(
  ctx: GitContext,
  options: { branches?: string; upstream?: string } = {},
): Promise<WorkTreeState> {
  const lines = (text: string): string[] => text.split('\n').filter(Boolean);
  const uncommitted = lines(await ctx.git(['status', '--porcelain']));
  const conflicts = lines(await ctx.git(['diff', '--name-only', '--diff-filter=U'])).map((p) =>
    ctx.fromGitPath(p),
  );
  const stopped = inProgress(ctx);
  const branches: { branch: string; commits: number }[] = [];
  if (options.branches) {
    const upstream =
      options.upstream && (await ctx.git(['for-each-ref', '--format=%(refname)', options.upstream])).trim()
        ? options.upstream
        : null;
    for (const branch of lines(
      await ctx.git(['for-each-ref', '--format=%(refname:short)', `refs/heads/${options.branches}*`]),
    ))
      branches.push({
        branch,
        commits: Number(
          (await ctx.git(['rev-list', '--count', upstream ? `${upstream}..${branch}` : branch])).trim(),
        ),
      });
  }
  return { uncommitted, conflicts, inProgress: stopped, branches };
}

/**
 * The person Git would record for commits made in `dir` (its user.name and user.email), falling
 * back to the OS user: the CLI commits as the developer who runs it.
 */
export async function gitIdentity(dir: string): Promise<Person> {
  const git = gitRunner(dir, gitEnvironment());
  const get = (key: string): Promise<string> =>
    git(['config', '--get', key]).then(
      (s) => s.trim(),
      () => '',
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  const user = process.env.USER ?? process.env.USERNAME ?? 'mimsy';
  return { name: name || user, email: email || `${user}@localhost` };
}

/**
 * Makes sure Git never commits `pattern` in the repository around `dir`: when no .gitignore rule
 * covers `probe` already, the pattern goes to .git/info/exclude (local, never committed). Does
 * nothing outside a Git repository.
 */
export async function excludeFromGit(
  dir: string,
  probe: string,
  pattern: string,
  why: string,
): Promise<void> {
  const git = gitRunner(dir, gitEnvironment());
  const ignored = await git(['check-ignore', '-q', '--', probe]).then(
    () => true,
    () => false,
  );
  if (ignored) return;
  const gitDir = await git(['rev-parse', '--absolute-git-dir']).then(
    (s) => s.trim(),
    () => null,
  );
  if (!gitDir) return; // not a Git repository: nothing to protect from commits
  await mkdir(path.join(gitDir, 'info'), { recursive: true });
  await appendFile(path.join(gitDir, 'info', 'exclude'), `\n# ${why}\n${pattern}\n`);
}
