// A site written by Hugo's conventions, adopted as it is: every file's own name is its id, page
// bundles own the files beside them, data files are collections and singletons, ignored files are
// nobody's problem — and saving an entry unchanged writes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repository } from './repository.js';
import { makeTempRepo, type TempRepo } from './testing/fixtures.js';
import { waitFor } from './testing/wait.js';

const ada = { author: { name: 'Ada Lovelace', email: 'ada@example.com' } };

const PAGE = (title: string): string => `---\ntitle: ${title}\n---\nText of ${title}.\n`;

export const HUGO_SITE: Record<string, string | Uint8Array> = {
  'mimsy.config.json': JSON.stringify({
    version: 1,
    media: { dir: 'static', publicPath: '/' },
    ignore: ['content/**/*.bak'],
  }),
  'schemas/docs.json': JSON.stringify({
    kind: 'collection',
    folder: 'content/docs',
    format: 'markdown',
    fields: [
      { name: 'title', type: 'string', required: true },
      { name: 'weight', type: 'number' },
      { name: 'body', type: 'markdown' },
    ],
  }),
  'schemas/authors.json': JSON.stringify({
    kind: 'collection',
    folder: 'data/authors',
    format: 'yaml',
    fields: [
      { name: 'name', type: 'string', required: true },
      { name: 'languages', type: 'list', of: { type: 'string' } },
    ],
  }),
  'schemas/menus.json': JSON.stringify({
    kind: 'singleton',
    file: 'data/menus.toml',
    format: 'toml',
    fields: [
      {
        name: 'main',
        type: 'list',
        of: {
          type: 'object',
          fields: [
            { name: 'name', type: 'string' },
            { name: 'url', type: 'string' },
          ],
        },
      },
    ],
  }),
  'content/docs/_index.md': '+++\ntitle = "Documentation" # the section page\n+++\nThe docs.\n',
  'content/docs/functions/_index.md': PAGE('Functions'),
  'content/docs/functions/banner.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
  'content/docs/functions/collections/Where.md': '---\ntitle: where\nweight: 10 # keep\n---\nReturns…\n',
  'content/docs/trip/index.md': PAGE('My trip'),
  'content/docs/trip/photo.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0, 1]),
  'content/docs/trip/images/map.png': new Uint8Array([0x89, 0x50, 0, 2]),
  'content/docs/trip/notes.md': PAGE('Notes kept in the bundle'),
  'content/docs/2024-01-29-release.markdown': PAGE('Release'),
  'content/docs/component.mdx': "---\ntitle: Component\n---\nimport X from './x';\n\n<X />\n",
  'content/docs/café.md': PAGE('Café'),
  'content/docs/old.md.bak': 'an editor backup',
  'content/docs/.DS_Store': 'junk',
  'data/authors/ada.yaml': 'name: Ada Lovelace # first\nlanguages: [en, fr]\n',
  'data/authors/grace.yml': 'name: Grace Hopper\n',
  'data/menus.toml': '[[main]]\nname = "Docs"\nurl = "/docs/"\n\n[[main]]\nname = "Blog"\nurl = "/blog/"\n',
};

let repo: TempRepo;
let mimsy: Repository;
beforeEach(async () => {
  repo = makeTempRepo({ files: HUGO_SITE });
  mimsy = await Repository.open(repo.dir);
});
afterEach(async () => {
  await mimsy.close();
  repo.cleanup();
});

describe('a Hugo site, adopted as it is', () => {
  it('serves every content file under its own name, with zero problems', () => {
    expect(mimsy.index.all('docs').map((e) => e.slug)).toEqual(
      [
        '2024-01-29-release',
        '_index',
        'café',
        'component',
        'functions/_index',
        'functions/collections/Where',
        'trip',
      ].sort(),
    );
    expect(mimsy.get('docs', 'trip')!.path).toBe('content/docs/trip/index.md');
    expect(mimsy.get('docs', '_index')!.data.title).toBe('Documentation');
    expect(mimsy.index.all('authors').map((e) => [e.slug, e.data.name])).toEqual([
      ['ada', 'Ada Lovelace'],
      ['grace', 'Grace Hopper'],
    ]);
    expect(mimsy.singleton('menus')!.data.main).toHaveLength(2);
    const report = mimsy.index.validate();
    expect(report.unaddressable).toEqual([]);
    expect(report.entries).toEqual([]);
  });

  it('knows the files of each page bundle', () => {
    expect(mimsy.bundles.list('docs', 'trip')).toEqual([
      'content/docs/trip/images/map.png',
      'content/docs/trip/notes.md',
      'content/docs/trip/photo.jpg',
    ]);
    expect(mimsy.bundles.list('docs', 'functions/_index')).toEqual(['content/docs/functions/banner.png']);
    expect(mimsy.bundles.list('docs', 'functions/Where')).toBeNull(); // a single file: no bundle
  });

  it('saves every entry unchanged without a commit, and a change as one line of its own file', async () => {
    const head = repo.git('rev-parse', 'HEAD');
    for (const schema of ['docs', 'authors'])
      for (const entry of mimsy.index.all(schema))
        await mimsy.update(
          schema,
          entry.slug,
          { data: entry.data, body: entry.body! },
          { ...ada, ifMatch: entry.version },
        );
    const menus = mimsy.singleton('menus')!;
    await mimsy.updateSingleton('menus', { data: menus.data }, { ...ada, ifMatch: menus.version });
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);

    const where = mimsy.get('docs', 'functions/collections/Where')!;
    await mimsy.patch('docs', where.slug, { data: { weight: 20 } }, { ...ada, ifMatch: where.version });
    expect(repo.git('show', 'HEAD:content/docs/functions/collections/Where.md')).toBe(
      '---\ntitle: where\nweight: 20 # keep\n---\nReturns…\n',
    );
    const author = mimsy.get('authors', 'ada')!;
    await mimsy.patch(
      'authors',
      'ada',
      { data: { languages: ['en', 'fr', 'it'] } },
      { ...ada, ifMatch: author.version },
    );
    expect(repo.git('show', 'HEAD:data/authors/ada.yaml')).toBe(
      'name: Ada Lovelace # first\nlanguages: [en, fr, it]\n',
    );
    const menu = mimsy.singleton('menus')!;
    await mimsy.patchSingleton(
      'menus',
      {
        data: {
          main: [
            { name: 'Docs', url: '/docs/' },
            { name: 'Journal', url: '/blog/' },
          ],
        },
      },
      { ...ada, ifMatch: menu.version },
    );
    expect(repo.git('show', 'HEAD:data/menus.toml')).toBe(
      '[[main]]\nname = "Docs"\nurl = "/docs/"\n\n[[main]]\nname = "Journal"\nurl = "/blog/"\n',
    );
  });

  it('creates new entries with slug rules and the first extension, and a rename keeps the file’s extension', async () => {
    const { entry } = await mimsy.create('docs', { data: { title: 'New page' }, body: 'x' }, ada);
    expect(entry.path).toBe('content/docs/new-page.md');
    const release = mimsy.get('docs', '2024-01-29-release')!;
    const renamed = await mimsy.update(
      'docs',
      release.slug,
      { data: release.data, body: release.body!, slug: '2024-01-30-release' },
      { ...ada, ifMatch: release.version },
    );
    expect(renamed.entry.path).toBe('content/docs/2024-01-30-release.markdown');
    const { entry: author } = await mimsy.create(
      'authors',
      { data: { name: 'Hedy Lamarr' }, slug: 'hedy' },
      ada,
    );
    expect(repo.git('show', `HEAD:${author.path}`)).toBe('name: Hedy Lamarr\n');
    expect(author.path).toBe('data/authors/hedy.yaml');
  });

  it('deletes a page bundle whole, in one commit', async () => {
    const trip = mimsy.get('docs', 'trip')!;
    await mimsy.remove('docs', 'trip', { ...ada, ifMatch: trip.version });
    expect(repo.git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      'D\tcontent/docs/trip/images/map.png',
      'D\tcontent/docs/trip/index.md',
      'D\tcontent/docs/trip/notes.md',
      'D\tcontent/docs/trip/photo.jpg',
    ]);
    expect(mimsy.index.resourcesOf('docs', 'trip')).toEqual([]); // gone from the index too
    expect(mimsy.bundles.list('docs', 'trip')).toBeNull(); // no entry, no bundle
  });

  it('places files that appear on disk as the watcher sees them: resources stay nobody’s problem', async () => {
    await mimsy.close();
    mimsy = await Repository.open(repo.dir, { watch: true });
    await mimsy.watching;
    writeFileSync(path.join(repo.dir, 'content/docs/trip/second.jpg'), 'jpeg');
    // Loose files first, then the page that makes their folder a bundle.
    mkdirSync(path.join(repo.dir, 'content/docs/walk'));
    writeFileSync(path.join(repo.dir, 'content/docs/walk/route.gpx'), '<gpx/>');
    await waitFor(() => mimsy.index.unaddressable.has('content/docs/walk/route.gpx'), {
      message: 'the loose file',
    });
    writeFileSync(path.join(repo.dir, 'content/docs/walk/index.md'), PAGE('A walk'));
    await waitFor(() => mimsy.get('docs', 'walk'), { message: 'the new bundle' });
    await waitFor(() => mimsy.bundles.list('docs', 'trip')?.includes('content/docs/trip/second.jpg'), {
      message: 'the new photo as a resource',
    });
    await waitFor(() => !mimsy.index.unaddressable.has('content/docs/walk/route.gpx'), {
      message: 'the loose file becoming a resource of the new bundle',
    });
    expect(mimsy.bundles.list('docs', 'walk')).toEqual(['content/docs/walk/route.gpx']);
    expect(mimsy.index.validate().unaddressable).toEqual([]);
  });

  it('reports two files with one id, and a file that is not content, each with what to do', async () => {
    await mimsy.close();
    writeFileSync(path.join(repo.dir, 'content/docs/café.markdown'), PAGE('Second café'));
    // Beside a section's _index.md it would be the section's resource; here it is nobody's.
    writeFileSync(path.join(repo.dir, 'content/docs/functions/collections/notes.txt'), 'loose notes');
    mimsy = await Repository.open(repo.dir);
    const problems = Object.fromEntries(mimsy.index.validate().unaddressable.map((u) => [u.path, u.message]));
    expect(problems['content/docs/café.md']).toMatch(
      /same id \(café\) as content\/docs\/café\.markdown; rename or remove one/,
    );
    expect(problems['content/docs/functions/collections/notes.txt']).toMatch(
      /not a \.md\/\.markdown\/\.mdx\/\.mdoc file.*"ignore"/,
    );
  });
});

describe('nested collection folders', () => {
  let nested: TempRepo | undefined;
  afterEach(() => nested?.cleanup());

  it('give each file to the deepest folder that holds it, whatever the schemas are named', async () => {
    const schema = (folder: string): string =>
      JSON.stringify({
        kind: 'collection',
        folder,
        format: 'markdown',
        fields: [
          { name: 'title', type: 'string', required: true },
          { name: 'body', type: 'markdown' },
        ],
      });
    nested = makeTempRepo({
      files: {
        'mimsy.config.json': JSON.stringify({ version: 1 }),
        // "pages" sorts before "zposts": the outer folder must not win by its name.
        'schemas/pages.json': schema('content'),
        'schemas/zposts.json': schema('content/posts'),
        'content/_index.md': PAGE('Home'),
        'content/about.md': PAGE('About'),
        'content/posts/_index.md': PAGE('Posts'),
        'content/posts/first.md': PAGE('First'),
        'content/posts/2026/second.md': PAGE('Second'),
      },
    });
    const repo = await Repository.open(nested.dir, { watch: false, history: false });
    try {
      expect(
        repo
          .list('zposts')
          .items.map((e) => e.slug)
          .sort(),
      ).toEqual(['2026/second', '_index', 'first']);
      expect(
        repo
          .list('pages')
          .items.map((e) => e.slug)
          .sort(),
      ).toEqual(['_index', 'about']);
    } finally {
      await repo.close();
    }
  });
});
