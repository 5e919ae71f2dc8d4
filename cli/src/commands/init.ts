import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE, ErrorCodes, findRoot, gitIdentity, GitStore, MimsyError } from '@mimsy/core';
import { UserError } from '../errors.js';
import type { AdoptResult, Generator } from './adopt.js';
import { adopt, render as renderAdopt } from './adopt.js';

export interface InitOptions {
  cwd: string;
  args?: string[];
  dir?: string;
  template?: 'blog' | 'empty';
  /** Adopt an existing site in place instead of creating a repository. */
  from?: Generator | 'auto';
  /** Create it even inside another Mimsy repository. */
  nested?: boolean;
}

export interface InitResult {
  root: string;
  template: string;
  created: string[];
  gitInitialized: boolean;
  commit: string | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The blog template: shipped in the package (templates/), or examples/blog in the monorepo. */
function blogTemplate(): string {
  for (const candidate of [
    path.join(here, '..', '..', 'templates', 'blog'),
    path.join(here, '..', '..', '..', 'examples', 'blog'),
  ]) {
    if (existsSync(path.join(candidate, CONFIG_FILE))) return candidate;
  }
  throw new Error('the blog template is missing from this installation');
}

const GITIGNORE =
  '# Mimsy keeps local state here (users file, session secret): never commit it.\n.mimsy/\nnode_modules/\n';

/** Whether `dir` is inside a Git work tree (through core's Git store, which checks this at open). */
async function insideGit(dir: string): Promise<boolean> {
  try {
    await (await GitStore.open(dir, { recover: false })).close();
    return true;
  } catch (error) {
    if (error instanceof MimsyError && error.code === ErrorCodes.NOT_A_REPOSITORY) return false;
    throw error;
  }
}

/** `mimsy init [dir]`: a new content repository, committed; with `--from`, an existing site adopted. */
export async function run(options: InitOptions & { from: Generator | 'auto' }): Promise<AdoptResult>;
export async function run(options: InitOptions): Promise<InitResult>;
export async function run(options: InitOptions): Promise<InitResult | AdoptResult> {
  const root = path.resolve(options.cwd, options.dir ?? options.args?.[0] ?? '.');
  if (options.from) {
    if (!(await insideGit(root)))
      throw new UserError(
        `${root} is not in a Git repository: Mimsy adopts a site kept in Git (run git init there first).`,
      );
    return adopt({ cwd: options.cwd, root, from: options.from });
  }
  return create(root, options);
}

async function create(root: string, options: InitOptions): Promise<InitResult> {
  const template = options.template ?? 'empty';
  const existing = existsSync(root) ? await findRoot(root) : null;
  if (existing === root || existsSync(path.join(root, CONFIG_FILE))) {
    throw new UserError(
      `${root} is already a Mimsy repository (it has ${CONFIG_FILE}). Nothing was changed.`,
    );
  }
  // An outer content repository would commit this one into itself (and see it as stray files).
  const outer = await findRoot(path.dirname(root)).catch(() => null);
  if (outer && !options.nested)
    throw new UserError(
      `${root} is inside the Mimsy repository ${outer}: a content repository there would be committed into it. Run "mimsy init" outside it — or, to keep a second site in the same repository on purpose, pass --nested. Nothing was changed.`,
    );
  mkdirSync(root, { recursive: true });
  // Every file goes in one commit through core's Git store: written atomically and committed
  // together, or not at all.
  const files = new Map<string, Uint8Array>();
  const write = (relative: string, content: string): void => {
    if (!files.has(relative) && !existsSync(path.join(root, relative)))
      files.set(relative, new TextEncoder().encode(content));
  };
  if (template === 'blog') {
    const source = blogTemplate();
    for (const name of readdirSync(source)) {
      if (existsSync(path.join(root, name)))
        throw new UserError(
          `${path.join(root, name)} already exists; init the blog template in an empty folder.`,
        );
    }
    const walk = (dir: string, prefix: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path.join(dir, entry.name), rel);
        else files.set(rel, readFileSync(path.join(dir, entry.name)));
      }
    };
    walk(source, '');
  } else {
    write(
      CONFIG_FILE,
      JSON.stringify(
        {
          version: 1,
          schemas: 'schemas',
          media: { dir: 'public/media', publicPath: '/media' },
          git: { branch: 'main', remote: 'origin', push: 'auto' },
          commit: { message: '{{action}} {{schema}}/{{slug}}{{fields}}' },
        },
        null,
        2,
      ) + '\n',
    );
    write('schemas/.gitkeep', '');
    write('content/.gitkeep', '');
    write('public/media/.gitkeep', '');
  }
  write('.gitignore', GITIGNORE);
  const gitInitialized = !(await insideGit(root));
  const who = await gitIdentity(root);
  const store = await GitStore.open(root, { init: true, committer: who });
  const created = [...files.keys()];
  let commit: string;
  try {
    commit = (
      await store.commit(
        created.map((p) => ({ path: p, bytes: files.get(p)!, expected: null })),
        { author: who, message: `Initialize Mimsy content repository (${template})` },
      )
    ).sha;
  } finally {
    await store.close();
  }
  return { root, template, created: created.sort(), gitInitialized, commit };
}

export function render(result: InitResult | AdoptResult): string {
  if ('generator' in result) return renderAdopt(result);
  return [
    `Created a Mimsy repository in ${result.root} (${result.template} template, ${result.created.length} files${result.gitInitialized ? ', new Git repository' : ''}).`,
    '',
    'Next:',
    result.template === 'empty'
      ? '  mimsy schema new posts --field title:string! --field body:markdown'
      : '  mimsy validate',
    '  mimsy serve',
  ].join('\n');
}
