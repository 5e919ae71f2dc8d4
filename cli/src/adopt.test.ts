// `mimsy init --from`: sites written by each generator's documented conventions, adopted as they
// are — validate passes at once, every content file is served, no existing file changes, and an
// unchanged save of every entry writes nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Repository } from '@mimsy/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as init from './commands/init.js';
import { detect } from './commands/adopt.js';

const page = (title: string, extra = ''): string => `---\ntitle: ${title}\n${extra}---\nText of ${title}.\n`;
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** Hugo: hugo.toml, sections with _index.md, page bundles, CamelCase names, TOML front matter, data/. */
const HUGO: Record<string, string | Uint8Array> = {
  'hugo.toml': 'baseURL = "https://example.org/"\ntitle = "Docs"\n',
  'content/_index.md': '+++\ntitle = "Home"\n+++\nWelcome.\n',
  'content/about.md': page('About'),
  'content/posts/_index.md': page('Posts'),
  'content/posts/first-post.md':
    '+++\ntitle = "First post" # hugo new\ndate = 2024-01-29T10:00:00Z\ndraft = false\ntags = ["hugo"]\n+++\nHello.\n',
  'content/posts/my-trip/index.md': page('My trip', 'date: 2024-02-01T09:00:00Z\n'),
  'content/posts/my-trip/photo.jpg': png,
  'content/news/one.md': '+++\ntitle = "One"\n+++\n',
  'content/news/two.md': '+++\ntitle = "Two"\n+++\n',
  'content/functions/collections/Where.md': page('where', 'linkTitle: where\n'),
  'content/functions/collections/Sort.md': page('sort', 'linkTitle: sort\n'),
  'content/functions/_index.md': page('Functions'),
  'data/authors/ada.yaml': 'name: Ada Lovelace\n',
  'data/authors/grace.yaml': 'name: Grace Hopper\n',
  'data/social.toml': 'twitter = "example"\nmastodon = "@example@mastodon.social"\n',
  'static/images/logo.png': png,
  'layouts/_default/single.html': '{{ .Content }}\n',
};

/** Jekyll: _config.yml with a collection, _posts with date-prefixed .markdown names, _data. */
const JEKYLL: Record<string, string | Uint8Array> = {
  '_config.yml': 'title: My blog\ncollections:\n  recipes:\n    output: true\nexclude:\n  - vendor\n',
  '_posts/2025-01-29-welcome-to-jekyll.markdown': page(
    '"Welcome to Jekyll!"',
    'layout: post\ndate: 2025-01-29 18:15:32 +0530\ncategories: jekyll update\n',
  ),
  '_posts/2025-02-01-second.md': page(
    'Second',
    'layout: post\ndate: 2025-02-01 10:00:00 +0000\ncategories: jekyll\n',
  ),
  '_recipes/pancakes.md': page('Pancakes', 'minutes: 20\n'),
  '_data/navigation.yml': 'main: Home\nfooter: Contact\n',
  'index.md': page('Home', 'layout: home\n'),
  'about.markdown': page('About', 'layout: page\npermalink: /about/\n'),
  // Jekyll copies a file without front matter as it is: not a page.
  'README.md': '# My blog\n\nBuilt with Jekyll.\n',
  'docs/install.md': page('Install', 'layout: page\n'),
  'docs/usage.md': page('Usage', 'layout: page\n'),
  'vendor/bundle/gems/readme.md': page('A gem', ''),
  'assets/css/style.scss': '---\n---\n@import "main";\n',
};

/** Astro: content.config.ts with glob() loaders, .md and .mdx entries, an image collection folder. */
const ASTRO: Record<string, string | Uint8Array> = {
  'astro.config.mjs': "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n",
  'src/content.config.ts': [
    "import { defineCollection, z } from 'astro:content';",
    "import { glob, file } from 'astro/loaders';",
    'const blog = defineCollection({',
    "  loader: glob({ base: './src/content/blog', pattern: '**/*.{md,mdx}' }),",
    '  schema: z.object({ title: z.string(), pubDate: z.coerce.date() }),',
    '});',
    "const authors = defineCollection({ loader: file('src/data/authors.json') });",
    'export const collections = { blog, authors };',
    '',
  ].join('\n'),
  'src/content/blog/first-post.md': page(
    "'First post'",
    "description: 'Lorem ipsum'\npubDate: 'Jul 08 2022'\n",
  ),
  'src/content/blog/using-mdx.mdx': `${page("'Using MDX'", "description: 'MDX'\npubDate: 'Jun 01 2024'\n")}import X from '../../components/X.astro';\n\n<X />\n`,
  'src/content/blog/nested/deep-post.md': page("'Deep'", "description: 'deep'\npubDate: 'Jan 01 2025'\n"),
  'src/data/authors.json': '[{"id": "ada", "name": "Ada"}]\n',
  'public/favicon.svg': '<svg/>',
};

/** Eleventy: eleventy.config.js with an input folder, posts in a folder, _data. */
const ELEVENTY: Record<string, string | Uint8Array> = {
  'eleventy.config.js':
    "export default function () {\n  return { dir: { input: 'src', output: '_site' } };\n}\n",
  'src/blog/first.md': page('First', 'tags: post\ndate: 2024-03-01\n'),
  'src/blog/second.md': page('Second', 'tags: post\ndate: 2024-03-02\n'),
  'src/_data/site.json': '{\n  "title": "My site",\n  "url": "https://example.org"\n}\n',
  'src/index.njk': '<h1>{{ site.title }}</h1>\n',
  'src/about.md': page('About', 'layout: base.njk\n'),
  // Eleventy renders Markdown without front matter too: still a page.
  'src/contact.md': '# Contact\n\nWrite to us.\n',
};

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function site(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-adopt-'));
  dirs.push(dir);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Site Owner');
  git('config', 'user.email', 'owner@example.com');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'the site');
  return dir;
}

async function adoptAndCheck(files: Record<string, string | Uint8Array>, generator: string) {
  const dir = site(files);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  expect(detect(dir)).toBe(generator);
  const result = await init.run({ cwd: dir, args: ['.'], from: 'auto' });
  expect(result.generator).toBe(generator);
  expect(result.problems, JSON.stringify(result, null, 2)).toBe(0);
  // Only new files, in one commit; nothing else touched.
  expect(git('status', '--porcelain')).toBe('');
  const changes = git('diff', '--name-status', 'HEAD~1', 'HEAD').trim().split('\n');
  expect(changes.every((c) => c.startsWith('A\t'))).toBe(true);
  // An unchanged save of every entry writes nothing.
  const repo = await Repository.open(dir);
  const head = git('rev-parse', 'HEAD');
  let entries = 0;
  for (const schema of repo.project.schemas.values()) {
    if (schema.kind === 'singleton') {
      const entry = repo.singleton(schema.name)!;
      await repo.updateSingleton(
        schema.name,
        { data: entry.data, ...(entry.body !== undefined ? { body: entry.body } : {}) },
        { author: { name: 'A', email: 'a@example.com' }, ifMatch: entry.version },
      );
      entries++;
      continue;
    }
    for (const entry of repo.index.all(schema.name)) {
      await repo.update(
        schema.name,
        entry.slug,
        { data: entry.data, ...(entry.body !== undefined ? { body: entry.body } : {}) },
        { author: { name: 'A', email: 'a@example.com' }, ifMatch: entry.version },
      );
      entries++;
    }
  }
  await repo.close();
  expect(git('rev-parse', 'HEAD')).toBe(head);
  return { result, entries, dir };
}

describe('mimsy init --from', () => {
  it('adopts a Hugo site: sections, _index.md, bundles, CamelCase, TOML front matter, data files', async () => {
    const { result, entries } = await adoptAndCheck(HUGO, 'hugo');
    const byName = Object.fromEntries(result.collections.map((c) => [c.name, c]));
    expect(byName.posts).toMatchObject({ path: 'content/posts', entries: 3 });
    expect(byName.functions).toMatchObject({ path: 'content/functions', entries: 3 });
    expect(byName.pages).toMatchObject({ path: 'content', entries: 2 });
    // A section written in TOML gets TOML for its new pages too.
    const news = JSON.parse(
      execFileSync('git', ['show', 'HEAD:schemas/news.json'], { cwd: result.root, encoding: 'utf8' }),
    ) as { frontMatter?: string };
    expect(news.frontMatter).toBe('toml');
    expect(byName.authors).toMatchObject({
      kind: 'collection',
      path: 'data/authors',
      format: 'yaml',
      entries: 2,
    });
    expect(byName.social).toMatchObject({ kind: 'singleton', path: 'data/social.toml', format: 'toml' });
    expect(result.media).toBe('static');
    // 10 content pages + 2 authors + 1 data file: every one served.
    expect(entries).toBe(13);
    expect(init.render(result)).toMatch(/content type\s+kind\s+path\s+format\s+entries\s+fields/);
  });

  it('adopts a Jekyll site: _posts with dates in the names, a collection from _config.yml, _data', async () => {
    const { result, entries } = await adoptAndCheck(JEKYLL, 'jekyll');
    const byName = Object.fromEntries(result.collections.map((c) => [c.name, c]));
    expect(byName.posts).toMatchObject({ path: '_posts', entries: 2 });
    expect(byName.recipes).toMatchObject({ path: '_recipes', entries: 1 });
    expect(byName.navigation).toMatchObject({ kind: 'singleton', path: '_data/navigation.yml' });
    // Pages at the site root are singletons (one file each); a folder of pages is a collection.
    expect(byName['page-index']).toMatchObject({ kind: 'singleton', path: 'index.md', format: 'markdown' });
    expect(byName['page-about']).toMatchObject({ kind: 'singleton', path: 'about.markdown' });
    expect(byName.docs).toMatchObject({ kind: 'collection', path: 'docs', entries: 2 });
    expect(byName.vendor).toBeUndefined();
    expect(entries).toBe(8);
    expect(result.skipped).toEqual([
      { path: 'README.md', reason: expect.stringMatching(/no front matter/) as unknown },
    ]);
    const schema = JSON.parse(
      execFileSync('git', ['show', 'HEAD:schemas/posts.json'], { cwd: result.root, encoding: 'utf8' }),
    ) as { slug: string; fields: { name: string; type: string }[] };
    expect(schema.slug).toBe('{{now}}-{{title}}');
    expect(schema.fields.find((f) => f.name === 'date')).toMatchObject({ type: 'datetime' });
  });

  it('adopts an Astro site from its content config: glob() loaders, .md and .mdx', async () => {
    const { result, entries } = await adoptAndCheck(ASTRO, 'astro');
    expect(result.collections.map((c) => [c.name, c.path, c.entries])).toEqual([
      ['blog', 'src/content/blog', 3],
    ]);
    expect(result.skipped.some((s) => /file\(\) loader/.test(s.reason))).toBe(true);
    expect(result.media).toBe('public');
    expect(entries).toBe(3);
  });

  it('adopts an Eleventy site: its input folder, content folders and _data', async () => {
    const { result, entries } = await adoptAndCheck(ELEVENTY, 'eleventy');
    const byName = Object.fromEntries(result.collections.map((c) => [c.name, c]));
    expect(byName.blog).toMatchObject({ path: 'src/blog', entries: 2 });
    expect(byName.site).toMatchObject({ kind: 'singleton', path: 'src/_data/site.json', format: 'json' });
    expect(byName['page-about']).toMatchObject({ kind: 'singleton', path: 'src/about.md', fields: 3 });
    expect(byName['page-contact']).toMatchObject({ kind: 'singleton', path: 'src/contact.md', fields: 1 });
    expect(entries).toBe(5);
  });

  it('says what to do when it finds no generator, and changes nothing', async () => {
    const dir = site({ 'README.md': '# not a site\n' });
    await expect(init.run({ cwd: dir, args: ['.'], from: 'auto' })).rejects.toThrow(
      /--from hugo\|jekyll\|astro\|eleventy/,
    );
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });
});
