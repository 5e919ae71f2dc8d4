// One fixture helper for real temporary Git repositories (no mocked git anywhere).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_BLOG = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../examples/blog',
);

export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(relative: string, content: string | Uint8Array): void;
  /** Commits everything in the work tree. */
  commitAll(message: string): string;
  cleanup: () => void;
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

/**
 * A real Git repository in a temp folder: branch `main`, a local user, optionally seeded with
 * files (or a copy of examples/blog) and a first commit.
 */
export function makeTempRepo(
  options: { files?: Record<string, string | Uint8Array>; example?: boolean; commit?: boolean } = {},
): TempRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-test-'));
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      env: GIT_ENV,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Fixture');
  git('config', 'user.email', 'fixture@example.com');
  git('config', 'commit.gpgsign', 'false');
  const write = (relative: string, content: string | Uint8Array): void => {
    const absolute = path.join(dir, relative);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  };
  if (options.example) cpSync(EXAMPLE_BLOG, dir, { recursive: true });
  for (const [p, content] of Object.entries(options.files ?? {})) write(p, content);
  const commitAll = (message: string): string => {
    git('add', '--all');
    git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  if (options.commit !== false && (options.example || options.files)) commitAll('initial content');
  return { dir, git, write, commitAll, cleanup: () => removeTree(dir) };
}

/** A minimal content repository: one markdown collection, one json collection, one singleton. */
export const SMALL_REPO: Record<string, string> = {
  'mimsy.config.json': JSON.stringify({ version: 1 }),
  'schemas/posts.json': JSON.stringify({
    kind: 'collection',
    folder: 'content/posts',
    format: 'markdown',
    slug: '{{title}}',
    sort: '-date',
    fields: [
      { name: 'title', type: 'string', required: true, unique: true },
      { name: 'date', type: 'date', default: 'now' },
      { name: 'draft', type: 'boolean', default: false },
      { name: 'tags', type: 'list', of: { type: 'string' } },
      { name: 'author', type: 'relation', schema: 'authors' },
      { name: 'body', type: 'markdown' },
    ],
  }),
  'schemas/authors.json': JSON.stringify({
    kind: 'collection',
    folder: 'content/authors',
    format: 'json',
    fields: [{ name: 'name', type: 'string', required: true }],
  }),
  'schemas/site.json': JSON.stringify({
    kind: 'singleton',
    file: 'content/site.json',
    format: 'json',
    fields: [{ name: 'title', type: 'string', required: true }],
  }),
  'content/authors/ada.json': '{\n  "name": "Ada"\n}\n',
  'content/posts/first.md': '---\ntitle: First\ndate: 2026-01-01\nauthor: ada\n---\nHello.\n',
};

export interface TempRemote {
  /** Path of the bare repository (what `origin` points to). */
  bare: string;
  /** A new clone of the remote with its own Git identity (`name <name@example.com>`). */
  clone: (name: string) => string;
  cleanup: () => void;
}

/**
 * A bare remote made from `seed`, which gets it as `origin` (fetched, so ahead/behind are known).
 * Clones share the remote's temporary folder and go away with `cleanup()`.
 */
export function makeRemote(seed: TempRepo): TempRemote {
  const root = mkdtempSync(path.join(tmpdir(), 'mimsy-remote-'));
  const bare = path.join(root, 'remote.git');
  execFileSync('git', ['clone', '--quiet', '--bare', seed.dir, bare], { env: GIT_ENV, stdio: 'ignore' });
  seed.git('remote', 'add', 'origin', bare);
  seed.git('fetch', '--quiet', 'origin');
  const clone = (name: string): string => {
    const dir = path.join(root, name);
    execFileSync('git', ['clone', '--quiet', bare, dir], { env: GIT_ENV, stdio: 'ignore' });
    execFileSync('git', ['config', 'user.name', name], { cwd: dir });
    execFileSync('git', ['config', 'user.email', `${name}@example.com`], { cwd: dir });
    return dir;
  };
  return { bare, clone, cleanup: () => removeTree(root) };
}

/** Deletes a temporary tree; retries while a detached `git gc --auto` (started by a fetch) still writes in it. */
function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
