import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, SMALL_REPO, type TempRepo } from '@mimsy/core/testing';
import { loadProject } from '@mimsy/core';
import { UserError } from './errors.js';
import * as exportCmd from './commands/export.js';
import * as init from './commands/init.js';
import * as log from './commands/log.js';
import * as newCmd from './commands/new.js';
import * as schemaCheck from './commands/schema-check.js';
import * as infer from './commands/schema-infer.js';
import * as schemaNew from './commands/schema-new.js';
import * as status from './commands/status.js';
import * as sync from './commands/sync.js';
import * as types from './commands/types.js';
import * as user from './commands/user.js';
import * as validate from './commands/validate.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
function repo(files: Record<string, string> = SMALL_REPO): TempRepo {
  const r = makeTempRepo({ files });
  cleanups.push(() => r.cleanup());
  return r;
}

describe('init', () => {
  it('creates and commits an empty repository, and refuses to overwrite one', async () => {
    const dir = tempDir();
    const result = await init.run({ cwd: dir, args: ['site'], template: 'empty' });
    expect(result.gitInitialized).toBe(true);
    expect(result.created).toEqual(
      expect.arrayContaining(['mimsy.config.json', '.gitignore', 'schemas/.gitkeep']),
    );
    const root = path.join(dir, 'site');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })).toBe('');
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toContain('.mimsy/');
    await expect(init.run({ cwd: dir, args: ['site'] })).rejects.toThrow(/already a Mimsy repository/);
  });

  it('starts from the blog template, which validates', async () => {
    const dir = tempDir();
    const result = await init.run({ cwd: dir, args: ['blog'], template: 'blog' });
    expect(result.created).toContain('content/posts/hello-world.md');
    expect((await validate.run({ cwd: path.join(dir, 'blog'), json: true })).ok).toBe(true);
  });
});

describe('schema', () => {
  it('new: writes a valid schema and its folder, committed; refuses duplicates and bad fields', async () => {
    const r = repo();
    const result = await schemaNew.run({
      cwd: r.dir,
      args: ['recipes'],
      field: [
        'title:string!',
        'minutes:number',
        'course:select=starter|main|dessert',
        'chef:relation=authors',
        'tags:list',
      ],
    });
    expect(result.schema).toMatchObject({
      kind: 'collection',
      folder: 'content/recipes',
      format: 'markdown',
      slug: '{{title}}',
    });
    expect((result.schema.fields as { name: string }[]).map((f) => f.name)).toEqual([
      'title',
      'minutes',
      'course',
      'chef',
      'tags',
      'body',
    ]);
    expect(r.git('log', '-1', '--format=%s').trim()).toBe('add schema recipes');
    expect(existsSync(path.join(r.dir, 'content/recipes/.gitkeep'))).toBe(true);
    expect((await schemaCheck.run({ cwd: r.dir })).ok).toBe(true);
    expect(schemaNew.render(result)).toMatch(/\nNext: mimsy new recipes --set title=…$/);
    const dishes = await schemaNew.run({
      cwd: r.dir,
      args: ['dishes'],
      field: ['name:string!', 'kind:string!'],
    });
    // The hint sets what a new entry needs, by the schema's own field names.
    expect(schemaNew.render(dishes)).toMatch(/\nNext: mimsy new dishes --set name=… --set kind=…$/);
    await expect(schemaNew.run({ cwd: r.dir, args: ['recipes'], field: ['title:string'] })).rejects.toThrow(
      /already exists/,
    );
    await expect(schemaNew.run({ cwd: r.dir, args: ['x'], field: ['title:strng'] })).rejects.toThrow(
      /not a field type/,
    );
    await expect(schemaNew.run({ cwd: r.dir, args: ['y'], field: ['who:relation=nobody'] })).rejects.toThrow(
      /would not be valid/,
    );
    await expect(schemaNew.run({ cwd: r.dir, args: ['Bad Name'], field: ['a:string'] })).rejects.toThrow(
      UserError,
    );
    const single = await schemaNew.run({
      cwd: r.dir,
      args: ['settings'],
      singleton: true,
      field: ['title:string!'],
      interactive: false,
    });
    expect(single.schema).toMatchObject({ kind: 'singleton', file: 'content/settings.json', format: 'json' });
  });

  it('check: reports each mistake with file, path and fix; exit code 1', async () => {
    const r = repo({
      ...SMALL_REPO,
      'schemas/bad.json': JSON.stringify({
        kind: 'collection',
        folder: 'content/bad',
        format: 'json',
        fields: [{ name: 'x', type: 'strng' }],
      }),
    });
    const result = await schemaCheck.run({ cwd: r.dir });
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({
      file: 'schemas/bad.json',
      path: '/fields/0/type',
      fix: 'Did you mean "string"?',
    });
    expect(schemaCheck.exitCode(result)).toBe(1);
    expect(schemaCheck.render(result)).toMatch(/schemas\/bad\.json \/fields\/0\/type/);
  });

  it('infer: learns types, required-ness and select options from a Hugo-style folder; every file passes', async () => {
    const r = repo({ 'mimsy.config.json': '{"version":1}', 'schemas/.gitkeep': '' });
    const posts = [
      ['first', 'draft: false\ncategory: news\ndate: 2024-01-02\ntags: [a, b]\nweight: 1\ncover: /img/a.png'],
      ['second', 'draft: true\ncategory: news\ndate: 2024-02-03\ntags: [c]\nweight: 2'],
      [
        'third',
        'draft: false\ncategory: howto\ndate: 2024-03-04\nweight: 3\nauthor:\n  name: Ada\n  email: ada@example.com',
      ],
      ['fourth', 'draft: false\ncategory: news\ndate: 2024-04-05\ntags: []\nweight: 4\nmixed: 5'],
      [
        'fifth',
        'draft: false\ncategory: howto\ndate: 2024-05-06\nweight: 5\nmixed: five\nsummary: "two\\nlines"',
      ],
      ['sixth', 'draft: false\ncategory: news\ndate: 2024-06-07\nweight: 6\nlinkTitle: Sixth'],
    ];
    for (const [slug, fm] of posts)
      r.write(`site/content/blog/${slug}.md`, `---\ntitle: Post ${slug}\n${fm}\n---\nBody of ${slug}.\n`);
    const result = await infer.run({ cwd: r.dir, args: ['site/content/blog'], name: 'blog', write: true });
    const fields = Object.fromEntries(
      (result.schema.fields as { name: string; type: string; required?: boolean; options?: string[] }[]).map(
        (f) => [f.name, f],
      ),
    );
    expect(result.passing).toBe(6);
    expect(fields.title).toMatchObject({ type: 'string', required: true });
    expect(fields.draft).toMatchObject({ type: 'boolean', required: true });
    expect(fields.category).toMatchObject({ type: 'select', options: ['howto', 'news'], required: true });
    expect(fields.date).toMatchObject({ type: 'date', required: true });
    expect(fields.tags).toMatchObject({ type: 'list', of: { type: 'string' } });
    expect(fields.tags!.required).toBeUndefined();
    expect(fields.weight).toMatchObject({ type: 'number', integer: true });
    expect(fields.cover).toMatchObject({ type: 'image' });
    expect(fields.author).toMatchObject({ type: 'object' });
    expect(fields.summary).toMatchObject({ type: 'text' });
    expect(fields.body).toMatchObject({ type: 'markdown' });
    expect(fields.mixed).toBeUndefined();
    expect(result.leftOut.map((l) => l.field)).toEqual(['mixed']);
    expect(result.schema).toMatchObject({ folder: 'site/content/blog', slug: '{{title}}', sort: '-date' });
    expect(result.written).toBe('schemas/blog.json');
    expect((await validate.run({ cwd: r.dir, json: true })).ok).toBe(true);
  });
});

describe('front matter languages', () => {
  it('infer and validate read TOML and JSON front matter like YAML; a broken TOML file is a problem with its line', async () => {
    const r = repo({ 'mimsy.config.json': '{"version":1}', 'schemas/.gitkeep': '' });
    r.write('site/content/docs/yaml.md', '---\ntitle: YAML page\nweight: 1\ndraft: false\n---\nBody.\n');
    r.write(
      'site/content/docs/toml.md',
      '+++\ntitle = "TOML page" # hugo new\nweight = 2\ndraft = true\n+++\nBody.\n',
    );
    r.write(
      'site/content/docs/json.md',
      '{\n  "title": "JSON page",\n  "weight": 3,\n  "draft": false\n}\nBody.\n',
    );
    const result = await infer.run({ cwd: r.dir, args: ['site/content/docs'], name: 'docs', write: true });
    const fields = Object.fromEntries((result.schema.fields as { name: string }[]).map((f) => [f.name, f]));
    expect(result.passing).toBe(3);
    expect(fields.title).toMatchObject({ type: 'string', required: true });
    expect(fields.weight).toMatchObject({ type: 'number', required: true });
    expect(fields.draft).toMatchObject({ type: 'boolean', required: true });
    expect((await validate.run({ cwd: r.dir, json: true })).ok).toBe(true);

    r.write('site/content/docs/broken.md', '+++\ntitle = "Broken"\nweight = = 4\n+++\n');
    const report = await validate.run({ cwd: r.dir, json: true });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).toMatch(/not valid TOML/);
    expect(JSON.stringify(report)).toMatch(/"line":3/);
  });
});

describe('infer on generator conventions', () => {
  it('learns from the same files validate serves: bundles, _index, CamelCase, .markdown and .mdx', async () => {
    const r = repo({ 'mimsy.config.json': '{"version":1}', 'schemas/.gitkeep': '' });
    const page = (title: string): string => `---\ntitle: ${title}\nweight: 1\n---\nBody.\n`;
    r.write('content/docs/_index.md', page('Docs'));
    r.write('content/docs/functions/Where.md', page('where'));
    r.write('content/docs/trip/index.md', page('Trip'));
    r.write('content/docs/trip/photo.jpg', 'jpeg');
    r.write('content/docs/trip/notes.md', '# a resource, not a page (no front matter)\n');
    r.write('content/docs/2024-01-29-post.markdown', page('Post'));
    r.write('content/docs/component.mdx', page('Component'));
    const result = await infer.run({ cwd: r.dir, args: ['content/docs'], name: 'docs', write: true });
    expect(result.files).toBe(5);
    expect(result.passing).toBe(5);
    expect(result.notEntries).toEqual([]);
    const report = await validate.run({ cwd: r.dir, json: true });
    expect(report.ok).toBe(true);
  });

  it('reads Jekyll and Hugo date-times as datetime, and never makes a choice of values that do not repeat', async () => {
    const r = repo({ 'mimsy.config.json': '{"version":1}', 'schemas/.gitkeep': '' });
    const pages = [
      ['2025-01-29-welcome', 'date: 2025-01-29 18:15:32 +0530', 'Welcome'],
      ['2025-02-01-second', 'date: 2025-02-01T09:00:00-07:00', 'Second'],
      ['2025-02-02-third', 'date: 2025-02-02', 'Third'],
      ['2025-02-03-fourth', 'date: 2025-02-03T10:00:00', 'Fourth'],
    ];
    for (const [name, date, link] of pages)
      r.write(`_posts/${name}.md`, `---\ntitle: ${link} post\n${date}\nlinkTitle: ${link}\n---\nBody.\n`);
    const result = await infer.run({ cwd: r.dir, args: ['_posts'], name: 'posts', write: true });
    const fields = Object.fromEntries((result.schema.fields as { name: string }[]).map((f) => [f.name, f]));
    expect(fields.date).toMatchObject({ type: 'datetime', required: true });
    expect(fields.linkTitle).toMatchObject({ type: 'string' });
    expect(result.passing).toBe(4);
    expect((await validate.run({ cwd: r.dir, json: true })).ok).toBe(true);
  });
});

describe('entries', () => {
  it('new: applies defaults and typed --set values, commits as the Git user; validate reports problems', async () => {
    const r = repo();
    const result = await newCmd.run({
      cwd: r.dir,
      args: ['posts'],
      set: ['title=Hello CLI', 'tags=a, b', 'draft=true', 'author=ada'],
      body: 'Body',
    });
    expect(result.entry).toMatchObject({
      slug: 'hello-cli',
      data: { title: 'Hello CLI', tags: ['a', 'b'], draft: true },
    });
    expect(r.git('log', '-1', '--format=%an|%s').trim()).toBe('Fixture|create posts/hello-cli');
    await expect(newCmd.run({ cwd: r.dir, args: ['posts'], set: ['nope=1'] })).rejects.toThrow(
      /has no field "nope"/,
    );
    await expect(newCmd.run({ cwd: r.dir, args: ['posts'], set: ['title=Hello CLI'] })).rejects.toMatchObject(
      { code: 'MIMSY_ERR_CONFLICT' },
    );
    await expect(
      newCmd.run({ cwd: r.dir, args: ['posts', '../evil'], set: ['title=x'] }),
    ).rejects.toMatchObject({ code: 'MIMSY_ERR_INVALID_PATH' });
    await expect(
      newCmd.run({ cwd: r.dir, args: ['posts'], set: ['title=x', 'author=nobody'] }),
    ).rejects.toMatchObject({ code: 'MIMSY_ERR_VALIDATION' });

    r.write('content/posts/broken.md', '---\ntitle: [\n---\n');
    r.write('content/posts/bad.md', '---\ntitle: 5\nauthor: ghost\n---\n');
    const report = await validate.run({ cwd: r.dir, json: true });
    expect(report.ok).toBe(false);
    expect(validate.exitCode(report)).toBe(1);
    const text = validate.render(report);
    expect(text).toMatch(/content\/posts\/broken\.md:\d+ {2}\/ {2}the front matter is not valid YAML/);
    expect(text).toMatch(/content\/posts\/bad\.md:2:1 {2}\/title {2}must be text/);
    expect(text).toMatch(/content\/posts\/bad\.md:3:1 {2}\/author {2}points to authors\/ghost/);
    expect(text).toMatch(/\/author {2}points to authors\/ghost/);
  });

  it('finds the repository from a sub-folder, and explains when there is none', async () => {
    const r = repo();
    expect((await validate.run({ cwd: path.join(r.dir, 'content/posts'), json: true })).checked).toBe(2);
    await expect(validate.run({ cwd: tempDir(), json: true })).rejects.toThrow(/mimsy init/);
  });
});

describe('sync', () => {
  function withRemote(): { a: TempRepo; bare: string; clone: (name: string) => string } {
    const a = repo();
    const remote = makeRemote(a);
    cleanups.push(() => remote.cleanup());
    return { a, bare: remote.bare, clone: remote.clone };
  }

  it('pushes local commits and pulls others’; refuses a dirty tree unless --autostash', async () => {
    const { a, clone } = withRemote();
    await newCmd.run({ cwd: a.dir, args: ['posts'], set: ['title=From A'] });
    expect(await sync.run({ cwd: a.dir, json: true })).toMatchObject({ pushed: true });
    const b = clone('b');
    await newCmd.run({ cwd: b, args: ['posts'], set: ['title=From B'] });
    await sync.run({ cwd: b, json: true });
    writeFileSync(path.join(a.dir, 'notes.txt'), 'uncommitted');
    await expect(sync.run({ cwd: a.dir, json: true })).rejects.toThrow(/uncommitted change.*--autostash/s);
    const result = await sync.run({ cwd: a.dir, json: true, autostash: true });
    expect(result.changed).toEqual(['content/posts/from-b.md']);
    expect(readFileSync(path.join(a.dir, 'notes.txt'), 'utf8')).toBe('uncommitted');
  });

  it('a conflicting sync loses nothing: local commits kept and saved on a named branch, tree clean, resolution explained', async () => {
    const { a, clone } = withRemote();
    const b = clone('b');
    const edit = (dir: string, title: string): void => {
      writeFileSync(
        path.join(dir, 'content/posts/first.md'),
        `---\ntitle: ${title}\ndate: 2026-01-01\nauthor: ada\n---\nHello.\n`,
      );
      execFileSync('git', ['commit', '-qam', `edit by ${title}`], { cwd: dir });
    };
    edit(b, 'B');
    await sync.run({ cwd: b, json: true });
    edit(a.dir, 'A');
    const local = a.git('rev-parse', 'HEAD').trim();
    const error = (await sync.run({ cwd: a.dir, json: true }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/content\/posts\/first\.md/);
    expect(error.message).toMatch(/Nothing was lost/);
    expect(error.message).toMatch(/git rebase origin\/main/);
    const saved = (error.details as { savedBranch: string }).savedBranch;
    expect(a.git('rev-parse', saved).trim()).toBe(local);
    expect(a.git('rev-parse', 'HEAD').trim()).toBe(local);
    expect(a.git('status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(a.dir, 'content/posts/first.md'), 'utf8')).toMatch(/title: A/);
  });
});

describe('export and types', () => {
  it('exports validated content in the schema sort, leaving drafts out unless asked; refuses invalid content', async () => {
    const r = repo();
    await newCmd.run({
      cwd: r.dir,
      args: ['posts'],
      set: ['title=Draft one', 'draft=true', 'date=2026-02-01'],
    });
    const result = await exportCmd.run({ cwd: r.dir });
    expect(result.document!.collections.posts!.map((p) => p.slug)).toEqual(['first']);
    expect(result.draftsLeftOut).toBe(1);
    expect(
      (await exportCmd.run({ cwd: r.dir, drafts: true })).document!.collections.posts!.map((p) => p.slug),
    ).toEqual(['draft-one', 'first']);
    const out = path.join(tempDir(), 'content.json');
    await exportCmd.run({ cwd: r.dir, out });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      collections: { authors: [{ slug: 'ada', data: { name: 'Ada' } }] },
      singletons: { site: null },
    });
    const split = tempDir();
    await exportCmd.run({ cwd: r.dir, split });
    expect(existsSync(path.join(split, 'posts.json')) && existsSync(path.join(split, 'site.json'))).toBe(
      true,
    );
    r.write('content/posts/bad.md', '---\ntitle: 5\n---\n');
    await expect(exportCmd.run({ cwd: r.dir })).rejects.toThrow(/Not exported/);
    // A file Mimsy cannot serve is named once per line, not twice.
    r.write('content/posts/bad.markdown', '---\ntitle: Twin\n---\n');
    const error = (await exportCmd.run({ cwd: r.dir }).catch((e: unknown) => e)) as UserError;
    const issues = (error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues).toContainEqual({
      path: 'content/posts/bad.md',
      message: 'has the same id (bad) as content/posts/bad.markdown; rename or remove one of them',
    });
  });

  it('generates stable TypeScript types that type-check against real entries', async () => {
    const dir = tempDir();
    await init.run({ cwd: dir, args: ['blog'], template: 'blog' });
    const root = path.join(dir, 'blog');
    const first = await types.run({ cwd: root });
    const second = await types.run({ cwd: root });
    expect(second.source).toBe(first.source);
    expect(first.source).toContain('category?: "news" | "guide" | "opinion";');
    expect(first.source).toContain('author: string;');
    expect(first.source).toContain(
      'export interface MimsyCollections {\n  authors: AuthorsData;\n  posts: PostsData;\n}',
    );
    // The generated file compiles, and real exported content satisfies it. The types are exact:
    // keys other tools wrote (hello-world's `layout`) are in the files but not in the types.
    const exported = await exportCmd.run({ cwd: root, drafts: true });
    const project = await loadProject(root);
    const declared = <T extends { data: Record<string, unknown> }>(entries: T[], schema: string): T[] => {
      const names = new Set(project.schemas.get(schema)!.fields.map((f) => f.name));
      return entries.map((e) => ({
        ...e,
        data: Object.fromEntries(Object.entries(e.data).filter(([k]) => names.has(k))),
      }));
    };
    const file = path.join(dir, 'check.ts');
    writeFileSync(path.join(dir, 'content.d.ts'), first.source);
    writeFileSync(
      file,
      `import type { MimsyCollections, MimsySingletons, PostsData } from './content.js';\n` +
        `const posts: { slug: string; data: PostsData; body?: string }[] = ${JSON.stringify(declared(exported.document!.collections.posts!, 'posts'))};\n` +
        `const authors: { slug: string; data: MimsyCollections['authors'] }[] = ${JSON.stringify(declared(exported.document!.collections.authors!, 'authors'))};\n` +
        `const site: { slug: string; data: MimsySingletons['site'] } = ${JSON.stringify(declared([exported.document!.singletons.site!], 'site')[0])};\n` +
        `// @ts-expect-error a select only takes its options\nconst wrong: PostsData['category'] = 'sports';\n` +
        `export { posts, authors, site, wrong };\n`,
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});

describe('users, status and log', () => {
  it('adds, lists, changes, tokens and removes users in the users file', async () => {
    const r = repo();
    const file = path.join(tempDir(), 'users.json');
    const added = await user.add({
      cwd: r.dir,
      args: ['ada'],
      role: 'admin',
      email: 'ada@example.com',
      password: 'long enough password',
      usersFile: file,
    });
    expect(added).toMatchObject({ name: 'ada', role: 'admin' });
    const generated = await user.add({ cwd: r.dir, args: ['bob'], usersFile: file });
    expect(generated.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(
      (await user.list({ cwd: r.dir, usersFile: file })).users.map((u) => `${u.name}:${u.role}`),
    ).toEqual(['ada:admin', 'bob:editor']);
    const { token } = await user.token({ cwd: r.dir, args: ['ada'], usersFile: file });
    expect(token).toMatch(/^mimsy_[a-z0-9]+_/);
    const before = JSON.parse(readFileSync(file, 'utf8')) as {
      users: { passwordHash: string; tokens: unknown[] }[];
    };
    // The secret is base64url and may itself contain "_": take everything after the id.
    const secret = /^mimsy_[a-z0-9]+_(.+)$/.exec(token!)![1]!;
    expect(JSON.stringify(before)).not.toContain(secret);
    await user.passwd({ cwd: r.dir, args: ['ada'], password: 'another long password', usersFile: file });
    const after = JSON.parse(readFileSync(file, 'utf8')) as {
      users: { passwordHash: string; tokens: unknown[] }[];
    };
    expect(after.users[0]!.passwordHash).not.toBe(before.users[0]!.passwordHash);
    expect(after.users[0]!.tokens).toHaveLength(1);
    await user.remove({ cwd: r.dir, args: ['bob'], usersFile: file });
    await expect(user.remove({ cwd: r.dir, args: ['bob'], usersFile: file })).rejects.toThrow(
      /no user "bob"/,
    );
    await expect(user.add({ cwd: r.dir, args: ['x'], password: 'short', usersFile: file })).rejects.toThrow(
      /at least 8/,
    );
  });

  it('keeps the default users file inside .mimsy/, ignored by Git', async () => {
    const r = repo();
    await user.add({ cwd: r.dir, args: ['ada'], password: 'long enough password' });
    expect(existsSync(path.join(r.dir, '.mimsy/users.json'))).toBe(true);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('status and log describe the repository and content history', async () => {
    const r = repo();
    await newCmd.run({ cwd: r.dir, args: ['posts'], set: ['title=Second'] });
    mkdirSync(path.join(r.dir, 'scratch'));
    writeFileSync(path.join(r.dir, 'scratch/x'), 'x');
    const s = await status.run({ cwd: r.dir });
    expect(s).toMatchObject({ git: { branch: 'main', remote: null }, problems: 0 });
    expect(s.uncommitted).toEqual(['?? scratch/']);
    expect(s.schemas.find((x) => x.name === 'posts')!.entries).toBe(2);
    expect((await log.run({ cwd: r.dir })).commits.map((c) => c.message)).toEqual([
      'create posts/second',
      'initial content',
    ]);
    expect((await log.run({ cwd: r.dir, args: ['posts/second'] })).commits).toHaveLength(1);
    await expect(log.run({ cwd: r.dir, args: ['posts'] })).rejects.toThrow(/Name the entry/);
  });

  it('status names branches a server parked (commits the remote made impossible to replay)', async () => {
    const r = repo();
    r.git('branch', 'mimsy/unpublished-20261128120000-abcdef1');
    const s = await status.run({ cwd: r.dir });
    expect(s.git.parked).toEqual([
      expect.objectContaining({ branch: 'mimsy/unpublished-20261128120000-abcdef1', pushed: false }),
    ]);
    expect(status.render(s)).toMatch(
      /Parked {6}mimsy\/unpublished-20261128120000-abcdef1: .*merge or delete the branch/,
    );
  });
});
