import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findRoot } from '@mimsy/core';
import { UserError } from './errors.js';

/** Options every command takes. */
export interface Common {
  cwd: string;
}

/** The content repository around `cwd`, or a UserError that says how to make one. */
export async function repositoryRoot(cwd: string): Promise<string> {
  if (!existsSync(cwd))
    throw new UserError(
      `${path.resolve(cwd)} does not exist. Pass --cwd the folder of your content repository.`,
    );
  if (!statSync(cwd).isDirectory())
    throw new UserError(
      `${path.resolve(cwd)} is a file, not a folder. Pass --cwd the folder of your content repository.`,
    );
  const root = await findRoot(cwd);
  if (!root) {
    throw new UserError(
      `${path.resolve(cwd)} is not inside a Mimsy repository (no mimsy.config.json here or above). Create one with "mimsy init", or pass --cwd <dir>.`,
    );
  }
  return root;
}

/** The person Git would record for commits made here (falls back to the OS user). */
export function gitIdentity(cwd: string): { name: string; email: string } {
  const get = (key: string): string => {
    try {
      return execFileSync('git', ['config', '--get', key], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const user = process.env.USER ?? process.env.USERNAME ?? 'mimsy';
  return { name: get('user.name') || user, email: get('user.email') || `${user}@localhost` };
}

/** Where the CLI keeps local, never-committed state of a repository (users file, session secret). */
export function localDir(root: string): string {
  return path.join(root, '.mimsy');
}

export function defaultUsersFile(root: string): string {
  return process.env.MIMSY_USERS_FILE
    ? path.resolve(process.env.MIMSY_USERS_FILE)
    : path.join(localDir(root), 'users.json');
}

/** Makes sure .mimsy/ (local secrets) is ignored by Git, via .git/info/exclude when .gitignore lacks it. */
export function ensureLocalDirIgnored(root: string): void {
  try {
    const ignored = execFileSync('git', ['check-ignore', '-q', '.mimsy/users.json'], {
      cwd: root,
      stdio: 'ignore',
    });
    void ignored;
  } catch {
    try {
      const gitDir = execFileSync('git', ['rev-parse', '--absolute-git-dir'], {
        cwd: root,
        encoding: 'utf8',
      }).trim();
      mkdirSync(path.join(gitDir, 'info'), { recursive: true });
      appendFileSync(
        path.join(gitDir, 'info', 'exclude'),
        '\n# Mimsy local state (users file, session secret)\n.mimsy/\n',
      );
    } catch {
      // not a Git repository: nothing to protect from commits
    }
  }
}
