import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, SMALL_REPO, type TempRepo } from './testing/fixtures.js';
import { waitFor } from './testing/wait.js';
import { ConflictError, InvalidPathError, MimsyError, NotFoundError, ValidationError } from './errors.js';
import { changedFields, Repository, withNote } from './repository.js';
import type { Entry, EntryEvent } from './types.js';

const ada = { author: { name: 'Ada Lovelace', email: 'ada@example.com' } };
const grace = { author: { name: 'Grace Hopper', email: 'grace@example.com' } };

let repo: TempRepo;
let mimsy: Repository;
afterEach(async () => {
  await mimsy?.close();
  repo?.cleanup();
});

describe('on examples/blog', () => {
  beforeEach(async () => {
    repo = makeTempRepo({ example: true });
    mimsy = await Repository.open(repo.dir);
    await mimsy.index.historyLoaded;
  });

  it('indexes every entry with version, path and last author', () => {
    expect(mimsy.index.count('posts')).toBe(7);
    expect(mimsy.index.count('authors')).toBe(3);
    const hello = mimsy.get('posts', 'hello-world')!;
    expect(hello.path).toBe('content/posts/hello-world.md');
    expect(hello.version).toBe(repo.git('rev-parse', 'HEAD:content/posts/hello-world.md').trim());
    expect(hello.data.title).toBe('Hello, world');
    expect(hello.body).toMatch(/^# Hello, world/);
    expect(hello.updatedBy).toEqual({ name: 'Fixture', email: 'fixture@example.com' });
    expect(mimsy.get('posts', 'guides/images')!.data.series).toEqual({ name: 'Editor basics', part: 2 });
    expect(mimsy.singleton('site')!.data.title).toBe('Mimsy Example Blog');
  });

  it('lists with the schema sort, other sorts, filters, search and cursor paging', () => {
    const byDate = mimsy.list('posts').items.map((e) => e.slug);
    expect(byDate[0]).toBe('2026/year-in-review');
    expect(byDate.at(-1)).toBe('hello-world');
    expect(mimsy.list('posts', { sort: 'title' }).items[0]!.data.title).toBe('2026 in review');
    expect(
      mimsy
        .list('posts', { filter: { category: 'guide' } })
        .items.map((e) => e.slug)
        .sort(),
    ).toEqual(['guides/images', 'guides/writing-markdown']);
    expect(mimsy.list('posts', { filter: { tags: 'media' } }).items.map((e) => e.slug)).toEqual([
      'guides/images',
    ]);
    expect(mimsy.list('posts', { filter: { draft: 'true' } }).items.map((e) => e.slug)).toEqual([
      'draft-ideas',
    ]);
    expect(mimsy.list('posts', { q: 'LINKS headings' }).items.map((e) => e.slug)).toEqual([
      'guides/writing-markdown',
    ]);
    expect(mimsy.list('posts', { q: 'nothing-matches-this' })).toEqual({
      items: [],
      total: 0,
      nextCursor: null,
    });
    for (const sort of ['-date', 'title', '-readingTime', 'updated', 'slug']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = mimsy.list('posts', { sort, limit: 2, cursor });
        expect(page.total).toBe(7);
        seen.push(...page.items.map((e) => e.slug));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(mimsy.list('posts', { sort, limit: 100 }).items.map((e) => e.slug));
      expect(new Set(seen).size).toBe(7);
    }
    expect(() => mimsy.list('posts', { sort: 'nope' })).toThrow(ValidationError);
    expect(() => mimsy.list('posts', { cursor: 'garbage' })).toThrow(ValidationError);
    expect(() => mimsy.list('nope')).toThrow(MimsyError);
  });

  it('creates an entry from the slug template with defaults, as a commit by the editor', async () => {
    const { entry, commit } = await mimsy.create(
      'posts',
      { data: { title: 'Ünïcode & Friends!', author: 'ada' }, body: 'Hi.\n' },
      ada,
    );
    expect(entry.slug).toBe('unicode-friends');
    expect(entry.data.draft).toBe(false);
    expect(entry.data.category).toBe('news');
    expect(typeof entry.data.date).toBe('string');
    expect(repo.git('log', '-1', '--format=%an <%ae>|%s').trim()).toBe(
      'Ada Lovelace <ada@example.com>|create posts/unicode-friends',
    );
    expect(repo.git('show', '--name-only', '--format=', commit.sha).trim()).toBe(
      'content/posts/unicode-friends.md',
    );
    expect(mimsy.get('posts', 'unicode-friends')!.version).toBe(entry.version);
    await expect(
      mimsy.create('posts', { data: { title: 'Ünïcode & friends', author: 'ada' } }, ada),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses invalid data with JSON pointers, a broken relation, and hostile slugs', async () => {
    const error = (await mimsy
      .create('posts', { data: { title: 'x'.repeat(121), author: 'nobody', tags: ['ok', 5] } }, ada)
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['/author', '/tags/1', '/title']);
    expect(error.issues.find((i) => i.path === '/author')!.message).toMatch(
      /authors\/nobody, which does not exist/,
    );
    await expect(
      mimsy.create('posts', { slug: '../../etc/passwd', data: { title: 'x', author: 'ada' } }, ada),
    ).rejects.toBeInstanceOf(InvalidPathError);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('refuses a value of a unique field that another entry already has', async () => {
    const error = (await mimsy
      .create('posts', { slug: 'copy', data: { title: 'hello, WORLD', author: 'ada' } }, ada)
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual([
      { path: '/title', message: 'must be unique, and posts/hello-world already has this value' },
    ]);
    const hello = mimsy.get('posts', 'hello-world')!;
    // Saving the entry that holds the value is fine.
    await mimsy.update(
      'posts',
      'hello-world',
      { data: { ...hello.data, draft: true }, body: hello.body! },
      { ...ada, ifMatch: hello.version },
    );
  });

  it('updates with If-Match, changing only the lines of the changed field and keeping unknown keys', async () => {
    const hello = mimsy.get('posts', 'hello-world')!;
    const { layout: _layout, ...dataWithoutUnknown } = hello.data;
    const { entry } = await mimsy.update(
      'posts',
      'hello-world',
      { data: { ...dataWithoutUnknown, title: 'Hello again' }, body: hello.body! },
      { ...grace, ifMatch: hello.version },
    );
    expect(entry.data.layout).toBe('post');
    expect(repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim()).toBe('1\t1\tcontent/posts/hello-world.md');
    expect(repo.git('diff', '-U0', 'HEAD~1', 'HEAD')).toMatch(/-title: Hello, world\n\+title: Hello again/);
    expect(repo.git('log', '-1', '--format=%an').trim()).toBe('Grace Hopper');
  });

  it('says in the commit message which fields an update changed, after the editor’s own words', async () => {
    const hello = mimsy.get('posts', 'hello-world')!;
    const { layout: _layout, ...data } = hello.data;
    const { entry } = await mimsy.update(
      'posts',
      'hello-world',
      { data: { ...data, title: 'Hello again', tags: ['git'] }, body: `${hello.body!}\nMore.\n` },
      { ...grace, ifMatch: hello.version },
    );
    expect(repo.git('log', '-1', '--format=%B').trim()).toBe('update posts/hello-world (title, tags, body)');
    await mimsy.update(
      'posts',
      'hello-world',
      { data: { ...data, title: 'Hello, world', tags: ['git'] }, body: entry.body! },
      {
        ...ada,
        ifMatch: entry.version,
        message: 'Put the old title back\r\n\nIt was in the newsletter.\u0007',
      },
    );
    expect(repo.git('log', '-1', '--format=%B').trim()).toBe(
      'Put the old title back\n\nIt was in the newsletter.\n\nupdate posts/hello-world (title)',
    );
  });

  it('saving unchanged values makes no change at all', async () => {
    const head = repo.git('rev-parse', 'HEAD').trim();
    const hello = mimsy.get('posts', 'hello-world')!;
    const { entry } = await mimsy.update(
      'posts',
      'hello-world',
      { data: hello.data, body: hello.body! },
      { ...ada, ifMatch: hello.version },
    );
    expect(entry.version).toBe(hello.version);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('answers a stale If-Match with a conflict carrying the current entry, and writes nothing', async () => {
    const hello = mimsy.get('posts', 'hello-world')!;
    await mimsy.update(
      'posts',
      'hello-world',
      { data: { ...hello.data, title: 'First' }, body: hello.body! },
      { ...ada, ifMatch: hello.version },
    );
    const head = repo.git('rev-parse', 'HEAD').trim();
    const error = (await mimsy
      .update(
        'posts',
        'hello-world',
        { data: { ...hello.data, title: 'Second' }, body: hello.body! },
        { ...grace, ifMatch: hello.version },
      )
      .catch((e: unknown) => e)) as ConflictError<Entry>;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.current!.data.title).toBe('First');
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('renames in one commit, refuses a taken slug, and history follows the rename', async () => {
    const why = mimsy.get('posts', 'why-git')!;
    const { entry, commit } = await mimsy.update(
      'posts',
      'why-git',
      { data: why.data, body: why.body!, slug: 'essays/why-git' },
      { ...ada, ifMatch: why.version },
    );
    expect(entry.slug).toBe('essays/why-git');
    expect(mimsy.get('posts', 'why-git')).toBeNull();
    expect(
      repo.git('show', '--no-renames', '--name-status', '--format=', commit.sha).trim().split('\n').sort(),
    ).toEqual(['A\tcontent/posts/essays/why-git.md', 'D\tcontent/posts/why-git.md']);
    const history = await mimsy.history('posts', 'essays/why-git');
    expect(history).toHaveLength(2);
    expect(history[1]!.path).toBe('content/posts/why-git.md');
    const before = await mimsy.entryAt('posts', 'essays/why-git', history[1]!.sha);
    expect(before.data.title).toBe('Why keep content in Git?');
    const hello = mimsy.get('posts', 'hello-world')!;
    await expect(
      mimsy.update(
        'posts',
        'hello-world',
        { data: hello.data, body: hello.body!, slug: 'essays/why-git' },
        { ...ada, ifMatch: hello.version },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses to delete an entry others point to, unless forced', async () => {
    const ada_ = mimsy.get('authors', 'ada')!;
    const error = (await mimsy
      .remove('authors', 'ada', { ...ada, ifMatch: ada_.version })
      .catch((e: unknown) => e)) as MimsyError;
    expect(error.code).toBe('MIMSY_ERR_REFERENCED');
    expect((error.details as { referrers: { slug: string }[] }).referrers.map((r) => r.slug).sort()).toEqual([
      '2026/year-in-review',
      'draft-ideas',
      'hello-world',
    ]);
    await mimsy.remove('authors', 'ada', { ...ada, ifMatch: ada_.version, force: true });
    expect(mimsy.get('authors', 'ada')).toBeNull();
    expect(
      mimsy.index
        .validate()
        .entries.some((r) => r.problems.some((p) => /authors\/ada, which does not exist/.test(p.message))),
    ).toBe(true);
  });

  it('finds the entries that use a media file: values at any depth and bodies, not longer paths', () => {
    const uses = mimsy.index.usesOf('/media/2026/11/cover.png');
    expect(uses).toEqual(
      expect.arrayContaining([
        { schema: 'posts', slug: 'hello-world', field: 'cover' },
        { schema: 'authors', slug: 'ada', field: 'avatar' },
        { schema: 'posts', slug: 'guides/writing-markdown', field: 'body' },
      ]),
    );
    expect(mimsy.index.usesOf('/media/2026/11/cover')).toEqual([]); // a prefix of cover.png
    expect(mimsy.index.usesOf('/media/2026/11/release-notes.txt')).toEqual([
      { schema: 'posts', slug: 'release-notes', field: 'attachment' },
    ]);
  });

  it('lists deleted entries (not renamed or re-created ones) and restores one as a new commit', async () => {
    const why = mimsy.get('posts', 'why-git')!;
    const hello = mimsy.get('posts', 'hello-world')!;
    await mimsy.update(
      'posts',
      'why-git',
      { data: why.data, body: why.body!, slug: 'essays/why-git' },
      { ...ada, ifMatch: why.version },
    );
    await mimsy.remove('posts', 'hello-world', { ...grace, ifMatch: hello.version, force: true });
    const images = mimsy.get('posts', 'guides/images')!;
    await mimsy.remove('posts', 'guides/images', { ...ada, ifMatch: images.version, force: true });
    await mimsy.create('posts', { slug: 'guides/images', data: { ...images.data }, body: 'Again.' }, ada);

    const deleted = await mimsy.deleted('posts');
    expect(deleted.map((d) => d.slug)).toEqual(['hello-world']);
    expect(deleted[0]).toMatchObject({
      path: 'content/posts/hello-world.md',
      data: { title: 'Hello, world' },
      deleted: { author: { name: 'Grace Hopper' }, message: 'delete posts/hello-world' },
    });

    const { entry } = await mimsy.restoreDeleted('posts', 'hello-world', ada);
    expect(entry.data.title).toBe('Hello, world');
    expect(entry.version).toBe(hello.version); // the very same bytes
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toBe('Ada Lovelace|restore posts/hello-world');
    expect(await mimsy.deleted('posts')).toEqual([]);
    await expect(mimsy.restoreDeleted('posts', 'hello-world', ada)).rejects.toBeInstanceOf(ConflictError);
    await expect(mimsy.restoreDeleted('posts', 'never-was', ada)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes an entry and, in the same commit, repoints or clears the references to it', async () => {
    const referrers = ['2026/year-in-review', 'draft-ideas', 'hello-world'];
    const ada_ = mimsy.get('authors', 'ada')!;
    const before = repo.git('rev-parse', 'HEAD').trim();
    await expect(
      mimsy.remove('authors', 'ada', {
        ...ada,
        ifMatch: ada_.version,
        references: 'repoint',
        repointTo: 'ada',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      mimsy.remove('authors', 'ada', {
        ...ada,
        ifMatch: ada_.version,
        references: 'repoint',
        repointTo: 'nobody',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(before); // refused: nothing written

    const hello = repo.git('show', 'HEAD:content/posts/hello-world.md');
    const { commit } = await mimsy.remove('authors', 'ada', {
      ...ada,
      ifMatch: ada_.version,
      references: 'repoint',
      repointTo: 'grace',
    });
    expect(repo.git('show', '--name-only', '--format=', commit.sha).trim().split('\n').sort()).toEqual(
      ['content/authors/ada.json', ...referrers.map((r) => `content/posts/${r}.md`)].sort(),
    );
    expect(repo.git('log', '-1', '--format=%B').trim()).toBe(
      `delete authors/ada\n\nReferences now to authors/grace: ${referrers.map((r) => `posts/${r}`).join(', ')}`,
    );
    // Only the reference's line changed in each file.
    const after = repo.git('show', 'HEAD:content/posts/hello-world.md');
    expect(after).toBe(hello.replace(/^author: ada$/m, 'author: grace'));
    for (const r of referrers) expect(mimsy.get('posts', r)!.data.author).toBe('grace');
    expect(mimsy.index.validate().entries.filter((e) => e.problems.length)).toEqual([]);
    expect(mimsy.index.referrers('authors', 'ada')).toEqual([]);
  });

  it('refuses to clear a required reference (it would leave the entry invalid), and clears optional ones', async () => {
    const grace_ = mimsy.get('authors', 'grace')!;
    const head = repo.git('rev-parse', 'HEAD').trim();
    const error = (await mimsy
      .remove('authors', 'grace', { ...ada, ifMatch: grace_.version, references: 'clear' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError); // posts need an author
    expect(error.message).toMatch(/need a value there.*: posts\/\S+ \(author\)/);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
    // year-in-review's related list loses hello-world and keeps why-git, in its place.
    const target = mimsy.get('posts', 'hello-world')!;
    const file = repo.git('show', 'HEAD:content/posts/2026/year-in-review.md');
    await mimsy.remove('posts', 'hello-world', { ...ada, ifMatch: target.version, references: 'clear' });
    expect(mimsy.get('posts', '2026/year-in-review')!.data.related).toEqual(['why-git']);
    expect(repo.git('show', 'HEAD:content/posts/2026/year-in-review.md')).toBe(
      file.replace('  - hello-world\n', ''),
    );
    expect(mimsy.index.referrers('posts', target.slug)).toEqual([]);
  });

  it('reverts to an earlier revision as a new commit', async () => {
    const site = mimsy.singleton('site')!;
    const first = await mimsy.updateSingleton(
      'site',
      { data: { ...site.data, title: 'Renamed site' } },
      { ...ada, ifMatch: site.version },
    );
    const original = (await mimsy.history('site', ''))[1]!;
    const { entry, commit } = await mimsy.revert('site', '', original.sha, {
      ...grace,
      ifMatch: first.entry.version,
    });
    expect(entry.data.title).toBe('Mimsy Example Blog');
    expect(entry.version).toBe(site.version);
    expect(commit.message).toMatch(/^revert site\/site to [0-9a-f]{7}$/);
    await expect(mimsy.entryAt('posts', 'hello-world', '0000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not confuse collections and singletons', async () => {
    expect(() => mimsy.get('site', 'x')).toThrow(/singleton, not a collection/);
    await expect(mimsy.updateSingleton('posts', { data: {} }, { ...ada, ifMatch: null })).rejects.toThrow(
      /collection, not a singleton/,
    );
  });
});

describe('commit messages', () => {
  it('withNote puts the editor’s words first, cleaned, and keeps the generated message', () => {
    expect(withNote('update posts/a (title)', undefined)).toBe('update posts/a (title)');
    expect(withNote('update posts/a (title)', '  \n ')).toBe('update posts/a (title)');
    expect(withNote('update posts/a', 'Fix typo\x1b[31m')).toBe('Fix typo[31m\n\nupdate posts/a');
    const long = withNote('update posts/a', 'x'.repeat(250));
    expect(long.split('\n')[0]).toHaveLength(200);
    expect(long).toBe(`${'x'.repeat(200)}\n\n${'x'.repeat(50)}\n\nupdate posts/a`);
    expect(withNote('g', 'y'.repeat(5000)).length).toBeLessThan(2010);
  });

  it('changedFields lists changed values in the schema’s order, then the body, comparing by value', () => {
    const schema = {
      name: 'posts',
      bodyField: 'body',
      fields: [{ name: 'title' }, { name: 'date' }, { name: 'tags' }],
    } as unknown as Parameters<typeof changedFields>[0];
    const d = (s: string): Date => new Date(s);
    expect(
      changedFields(
        schema,
        { data: { tags: ['a'], title: 'A', date: d('2026-01-01'), extra: { x: 1 } }, body: 'b' },
        { data: { tags: ['a', 'b'], title: 'A', date: d('2026-01-01'), extra: { x: 1 } }, body: 'b' },
      ),
    ).toEqual(['tags']);
    expect(
      changedFields(
        schema,
        { data: { title: 'A', gone: 1 }, body: 'b' },
        { data: { title: 'B', date: 'x' }, body: 'c' },
      ),
    ).toEqual(['title', 'date', 'gone', 'body']);
  });
});

describe('broken files and outside edits', () => {
  it('shows a file that cannot be parsed as an entry with a parse error, and a file that is no entry as unaddressable', async () => {
    repo = makeTempRepo({
      files: {
        ...SMALL_REPO,
        'content/posts/broken.md': '---\ntitle: [oops\n---\n',
        'content/posts/Any Name.md': '---\ntitle: x\n---\n',
        'content/posts/notes.txt': 'not an entry',
      },
    });
    mimsy = await Repository.open(repo.dir);
    const broken = mimsy.get('posts', 'broken')!;
    expect(broken.parseError!.message).toMatch(/not valid YAML/);
    expect(broken.data).toEqual({});
    // A file's own name is its id, whatever it is.
    expect(mimsy.get('posts', 'Any Name')!.data.title).toBe('x');
    const report = mimsy.index.validate();
    expect(report.unaddressable.map((u) => u.path)).toEqual(['content/posts/notes.txt']);
    expect(report.entries.map((r) => r.slug)).toContain('broken');
  });

  it('catches up with edits made while the watcher was starting', async () => {
    repo = makeTempRepo({ files: SMALL_REPO });
    mimsy = await Repository.open(repo.dir, { watch: true });
    repo.write('content/posts/first.md', '---\ntitle: Changed during start\n---\n');
    repo.write('content/posts/brand-new.md', '---\ntitle: Added during start\n---\n');
    await mimsy.watching;
    await waitFor(() => mimsy.get('posts', 'brand-new'), { message: 'the entry added during start' });
    expect(mimsy.get('posts', 'first')!.data.title).toBe('Changed during start');
    expect(mimsy.get('posts', 'brand-new')!.data.title).toBe('Added during start');
  });

  // How fast is measured by `pnpm bench` (bench/events.ts); this holds what and how often.
  it('picks up edits made on disk and announces each once', async () => {
    repo = makeTempRepo({ files: SMALL_REPO });
    mimsy = await Repository.open(repo.dir, { watch: true });
    await mimsy.watching;
    const events: EntryEvent[] = [];
    mimsy.on((e) => events.push(e));
    const announced = (type: EntryEvent['type']): Promise<unknown> =>
      waitFor(() => events.some((e) => e.type === type), {
        message: () => `a '${type}' event; events: ${JSON.stringify(events)}`,
      });

    repo.write('content/posts/first.md', '---\ntitle: Edited in VS Code\ndate: 2026-01-01\n---\nNew.\n');
    await announced('updated');
    expect(mimsy.get('posts', 'first')!.data.title).toBe('Edited in VS Code');

    repo.write('content/posts/deep/new.md', '---\ntitle: From git pull\n---\n');
    await announced('created');
    expect(mimsy.get('posts', 'deep/new')!.data.title).toBe('From git pull');

    rmSync(path.join(repo.dir, 'content/posts/deep/new.md'));
    await announced('deleted');
    expect(mimsy.get('posts', 'deep/new')).toBeNull();
    expect(events.every((e) => e.source === 'disk')).toBe(true);

    // A write through Mimsy is announced once, as 'api', and the watcher does not repeat it.
    events.length = 0;
    const first = mimsy.get('posts', 'first')!;
    await mimsy.update(
      'posts',
      'first',
      { data: { ...first.data, title: 'Via API' }, body: first.body! },
      { ...ada, ifMatch: first.version },
    );
    // A barrier instead of a sleep: the watcher reports changes in the order they happen, so once
    // an edit made after the write is announced, a repeat of the write would have been too.
    repo.write('content/posts/barrier.md', '---\ntitle: Barrier\n---\n');
    await announced('created');
    expect(events.map((e) => `${e.type}:${e.source}:${e.slug}`)).toEqual([
      'updated:api:first',
      'created:disk:barrier',
    ]);
  });
});

describe('on the memory adapter', () => {
  it('runs the same entry operations without Git (for tests of code built on core)', async () => {
    repo = makeTempRepo({
      files: {
        'mimsy.config.json': SMALL_REPO['mimsy.config.json']!,
        'schemas/posts.json': SMALL_REPO['schemas/posts.json']!,
        'schemas/authors.json': SMALL_REPO['schemas/authors.json']!,
        'schemas/site.json': SMALL_REPO['schemas/site.json']!,
      },
    });
    const { MemoryStore } = await import('./store/memory.js');
    const store = new MemoryStore(
      { 'content/authors/ada.json': SMALL_REPO['content/authors/ada.json']! },
      { root: repo.dir },
    );
    mimsy = await Repository.open(repo.dir, { store });
    const { entry } = await mimsy.create(
      'posts',
      { data: { title: 'In memory', author: 'ada' }, body: 'x' },
      ada,
    );
    expect(entry.slug).toBe('in-memory');
    await expect(
      mimsy.update(
        'posts',
        'in-memory',
        { data: { title: 'Stale', author: 'ada' }, body: 'x' },
        { ...ada, ifMatch: 'stale' },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await mimsy.history('posts', 'in-memory')).map((c) => c.author)).toEqual([ada.author]);
  });
});
