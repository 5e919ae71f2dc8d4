import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { excludeFromGit, findRoot } from '@mimsy/core';
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
export function ensureLocalDirIgnored(root: string): Promise<void> {
  return excludeFromGit(
    root,
    '.mimsy/users.json',
    '.mimsy/',
    'Mimsy local state (users file, session secret)',
  );
}
