import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idProblem } from '@mimsy/core';
import { HOSTILE_SLUGS } from '@mimsy/core/testing';
import { makeApp, type TestApp } from './test/helpers.js';

interface EntryJson {
  slug: string;
  version: string;
  data: Record<string, unknown>;
  body?: string;
  path: string;
}

describe('reading', () => {
  let t: TestApp;
  beforeAll(async () => (t = await makeApp()));
  afterAll(() => t.close());
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { ...t.as('viewer'), ...headers } });

  it('lists a page without bodies, with total and a cursor that walks every entry once', async () => {
    const first = await get('/api/collections/posts/entries?limit=3');
    expect(first.statusCode).toBe(200);
    const page = first.json<{ items: EntryJson[]; total: number; nextCursor: string }>();
    expect(page.total).toBe(7);
    expect(page.items.map((e) => e.slug)).toEqual(['2026/year-in-review', 'draft-ideas', 'release-notes']);
    expect(page.items.every((e) => e.body === undefined && typeof e.version === 'string')).toBe(true);
    const seen = page.items.map((e) => e.slug);
    let cursor: string | null = page.nextCursor;
    while (cursor) {
      const next: { items: EntryJson[]; nextCursor: string | null } = (
        await get(`/api/collections/posts/entries?limit=3&cursor=${encodeURIComponent(cursor)}`)
      ).json<{ items: EntryJson[]; nextCursor: string | null }>();
      seen.push(...next.items.map((e) => e.slug));
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('sorts, searches and filters with filter[field]', async () => {
    const titles = (await get('/api/collections/posts/entries?sort=title&limit=2'))
      .json<{ items: EntryJson[] }>()
      .items.map((e) => e.data.title);
    expect(titles).toEqual(['2026 in review', 'Adding images']);
    expect(
      (await get('/api/collections/posts/entries?q=headings'))
        .json<{ items: EntryJson[] }>()
        .items.map((e) => e.slug),
    ).toEqual(['guides/writing-markdown']);
    expect(
      (await get('/api/collections/posts/entries?filter[category]=guide&filter[tags]=media'))
        .json<{ items: EntryJson[] }>()
        .items.map((e) => e.slug),
    ).toEqual(['guides/images']);
    expect((await get('/api/collections/posts/entries?filter[nope]=1')).statusCode).toBe(400);
    expect((await get('/api/collections/posts/entries?sort=nope')).json()).toMatchObject({
      error: { code: 'MIMSY_ERR_VALIDATION' },
    });
    expect((await get('/api/collections/posts/entries?limit=100000')).statusCode).toBe(400);
    expect((await get('/api/collections/posts/entries?bogus=1')).statusCode).toBe(400);
    expect((await get('/api/collections/nope/entries')).json()).toMatchObject({
      error: { code: 'MIMSY_ERR_UNKNOWN_SCHEMA' },
    });
    expect((await get('/api/collections/site/entries/x')).statusCode).toBe(404);
  });

  it('returns one entry with its ETag, and 304 when the client has it', async () => {
    const res = await get('/api/collections/posts/entries/guides/images');
    expect(res.statusCode).toBe(200);
    const entry = res.json<EntryJson>();
    expect(entry).toMatchObject({
      slug: 'guides/images',
      path: 'content/posts/guides/images.md',
      data: { title: 'Adding images' },
    });
    expect(entry.body).toMatch(/committed like any other change/);
    expect(res.headers.etag).toBe(`"${entry.version}"`);
    expect(
      (
        await get('/api/collections/posts/entries/guides/images', {
          'if-none-match': res.headers.etag as string,
        })
      ).statusCode,
    ).toBe(304);
    expect((await get('/api/collections/posts/entries/missing')).json()).toMatchObject({
      error: { code: 'MIMSY_ERR_NOT_FOUND' },
    });
  });

  // ("a/history" and "a/revert" are the history and revert URLs of "a": their refusal as slugs is
  // tested on create below.)
  it.each(
    HOSTILE_SLUGS.filter(([, s]) => typeof s === 'string' && s !== '' && !/\/(history|revert)$/.test(s)).map(
      ([name, s]) => [name, s as string],
    ),
  )('refuses hostile slug over HTTP: %s', async (_name, slug) => {
    const encoded = slug.split('/').map(encodeURIComponent).join('/');
    for (const url of [
      `/api/collections/posts/entries/${encoded}`,
      `/api/collections/posts/entries/${encodeURIComponent(slug)}`,
      `/api/collections/posts/entries/${encodeURIComponent(encodeURIComponent(slug))}`,
    ]) {
      const res = await get(url);
      expect([400, 404], `${url} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
      // URL normalisation removes dot segments before routing ("a/./b" is "a/b"). A name a real file
      // can have ("Hello", "hello world", Unicode) is an id: looked up in the index — never joined
      // onto a path — and not found. Anything else is refused before any lookup.
      const normalised = /(^|\/)\.{1,2}(\/|$)/.test(decodeURIComponent(url));
      const asRouted = decodeURIComponent(url.slice('/api/collections/posts/entries/'.length));
      if (res.statusCode === 404 && !normalised && idProblem(asRouted) !== null)
        expect(res.json<{ error: { code: string } }>().error.code).not.toBe('MIMSY_ERR_NOT_FOUND');
    }
  });
});

describe('writing', () => {
  let t: TestApp;
  beforeEach(async () => (t = await makeApp()));
  afterEach(() => t.close());
  const editor = () => t.as('editor');
  const head = () => t.repo.git('rev-parse', 'HEAD').trim();

  it('creates from the slug template: 201, Location, ETag, a commit by the editor', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: editor(),
      payload: { data: { title: 'A new post!', author: 'ada', tags: ['x'] }, body: '# Hi\n' },
    });
    expect(res.statusCode).toBe(201);
    const { entry, commit } = res.json<{
      entry: EntryJson;
      commit: { sha: string; author: { name: string } };
    }>();
    expect(res.headers.location).toBe('/api/collections/posts/entries/a-new-post');
    expect(res.headers.etag).toBe(`"${entry.version}"`);
    expect(entry.data).toMatchObject({ title: 'A new post!', draft: false, category: 'news' });
    expect(commit.sha).toBe(head());
    expect(t.repo.git('log', '-1', '--format=%an <%ae>|%s').trim()).toBe(
      'eddie <editor@example.com>|create posts/a-new-post',
    );
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: editor(),
      payload: { data: { title: 'A new post', author: 'ada' } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: { code: 'MIMSY_ERR_CONFLICT', details: { current: { slug: 'a-new-post' } } },
    });
  });

  it('answers field-level errors with 400 and JSON pointers, committing nothing', async () => {
    const before = head();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: editor(),
      payload: {
        slug: 'bad',
        data: { title: 5, author: 'nobody', readingTime: 1.5, cover: 'javascript:alert(1)' },
      },
    });
    expect(res.statusCode).toBe(400);
    const issues = res.json<{ error: { code: string; details: { issues: { path: string }[] } } }>().error;
    expect(issues.code).toBe('MIMSY_ERR_VALIDATION');
    expect(issues.details.issues.map((i) => i.path).sort()).toEqual([
      '/author',
      '/cover',
      '/readingTime',
      '/title',
    ]);
    expect(head()).toBe(before);
  });

  it('updates with If-Match (428 without, 409 with the current entry when stale) and renames in one commit', async () => {
    const url = '/api/collections/posts/entries/why-git';
    const current = (await t.app.inject({ url, headers: editor() })).json<EntryJson>();
    const payload = { data: { ...current.data, title: 'Why Git, again' }, body: current.body };
    expect((await t.app.inject({ method: 'PUT', url, headers: editor(), payload })).statusCode).toBe(428);
    expect(
      (await t.app.inject({ method: 'PUT', url, headers: { ...editor(), 'if-match': '*' }, payload }))
        .statusCode,
    ).toBe(400);
    const ok = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...editor(), 'if-match': `"${current.version}"` },
      payload,
    });
    expect(ok.statusCode).toBe(200);
    const stale = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...editor(), 'if-match': current.version },
      payload: { data: { ...current.data, title: 'Lost?' }, body: current.body },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: { code: 'MIMSY_ERR_CONFLICT', details: { current: { data: { title: 'Why Git, again' } } } },
    });
    const latest = ok.json<{ entry: EntryJson }>().entry;
    const renamed = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...editor(), 'if-match': latest.version },
      payload: { data: latest.data, body: latest.body, slug: 'essays/why-git' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(
      t.repo.git('show', '--no-renames', '--name-status', '--format=%s', 'HEAD').trim().split('\n'),
    ).toEqual([
      'rename posts/essays/why-git',
      '',
      'A\tcontent/posts/essays/why-git.md',
      'D\tcontent/posts/why-git.md',
    ]);
    expect((await t.app.inject({ url, headers: editor() })).statusCode).toBe(404);
    const reserved = await t.app.inject({
      method: 'PUT',
      url: '/api/collections/posts/entries/essays/why-git',
      headers: { ...editor(), 'if-match': renamed.json<{ entry: EntryJson }>().entry.version },
      payload: { data: latest.data, slug: 'essays/history' },
    });
    expect(reserved.statusCode).toBe(400);
  });

  it('puts the editor’s message first in the commit, before the generated one naming the changed fields', async () => {
    const url = '/api/collections/posts/entries/why-git';
    const current = (await t.app.inject({ url, headers: editor() })).json<EntryJson>();
    const saved = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { ...editor(), 'if-match': current.version },
      payload: { data: { title: 'Why Git' }, message: 'Shorter title for the newsletter' },
    });
    expect(saved.statusCode).toBe(200);
    expect(t.repo.git('log', '-1', '--format=%B').trim()).toBe(
      'Shorter title for the newsletter\n\nupdate posts/why-git (title)',
    );
    const tooLong = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { ...editor(), 'if-match': saved.json<{ entry: EntryJson }>().entry.version },
      payload: { data: { title: 'x' }, message: 'm'.repeat(2001) },
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it('refuses to delete an entry others refer to, unless forced; needs If-Match', async () => {
    const url = '/api/collections/authors/entries/grace';
    const grace = (await t.app.inject({ url, headers: editor() })).json<EntryJson>();
    expect((await t.app.inject({ method: 'DELETE', url, headers: editor() })).statusCode).toBe(428);
    const refused = await t.app.inject({
      method: 'DELETE',
      url,
      headers: { ...editor(), 'if-match': grace.version },
    });
    expect(refused.statusCode).toBe(409);
    expect(
      refused
        .json<{ error: { code: string; details: { referrers: { slug: string }[] } } }>()
        .error.details.referrers.map((r) => r.slug)
        .sort(),
    ).toEqual(['guides/images', 'guides/writing-markdown', 'why-git']);
    const badTarget = await t.app.inject({
      method: 'DELETE',
      url: `${url}?references=repoint&to=nobody`,
      headers: { ...editor(), 'if-match': grace.version },
    });
    expect(badTarget.statusCode).toBe(400);
    const repointed = await t.app.inject({
      method: 'DELETE',
      url: `${url}?references=repoint&to=ada`,
      headers: { ...editor(), 'if-match': grace.version },
    });
    expect(repointed.statusCode).toBe(200);
    expect(t.repo.git('log', '-1', '--format=%s').trim()).toBe('delete authors/grace');
    expect(t.repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      'content/authors/grace.json',
      'content/posts/guides/images.md',
      'content/posts/guides/writing-markdown.md',
      'content/posts/why-git.md',
    ]);
    const why = (
      await t.app.inject({ url: '/api/collections/posts/entries/why-git', headers: editor() })
    ).json<EntryJson>();
    expect(why.data.author).toBe('ada');
    // ?force=true still deletes and leaves the references pointing nowhere.
    const ada = (
      await t.app.inject({ url: '/api/collections/authors/entries/ada', headers: editor() })
    ).json<EntryJson>();
    const forced = await t.app.inject({
      method: 'DELETE',
      url: '/api/collections/authors/entries/ada?force=true',
      headers: { ...editor(), 'if-match': ada.version },
    });
    expect(forced.statusCode).toBe(200);
    expect(t.repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('content/authors/ada.json');
  });

  it('lists history, returns a revision, and reverts as a new commit', async () => {
    const url = '/api/collections/posts/entries/hello-world';
    const v1 = (await t.app.inject({ url, headers: editor() })).json<EntryJson>();
    const saved = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...editor(), 'if-match': v1.version },
      payload: { data: { ...v1.data, title: 'Changed' }, body: v1.body },
    });
    const history = (await t.app.inject({ url: `${url}/history`, headers: editor() })).json<{
      items: { sha: string; author: { name: string } }[];
    }>().items;
    expect(history.map((c) => c.author.name)).toEqual(['eddie', 'Fixture']);
    const old = (
      await t.app.inject({ url: `${url}/history/${history[1]!.sha}`, headers: editor() })
    ).json<EntryJson>();
    expect(old.data.title).toBe('Hello, world');
    expect((await t.app.inject({ url: `${url}/history/zzz`, headers: editor() })).statusCode).toBe(400);
    const reverted = await t.app.inject({
      method: 'POST',
      url: `${url}/revert`,
      headers: { ...editor(), 'if-match': saved.json<{ entry: EntryJson }>().entry.version },
      payload: { sha: history[1]!.sha },
    });
    expect(reverted.statusCode).toBe(200);
    expect(reverted.json<{ entry: EntryJson }>().entry.version).toBe(v1.version);
    expect(t.repo.git('log', '-1', '--format=%s').trim()).toMatch(
      /^revert posts\/hello-world to [0-9a-f]{7}$/,
    );
  });

  it('a viewer cannot write; nothing changes', async () => {
    const before = head();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: t.as('viewer'),
      payload: { data: { title: 'x', author: 'ada' } },
    });
    expect(res.statusCode).toBe(403);
    expect(head()).toBe(before);
  });

  it.each(HOSTILE_SLUGS.filter(([, s]) => typeof s === 'string').map(([name, s]) => [name, s as string]))(
    'refuses to create hostile slug: %s',
    async (_name, slug) => {
      const before = head();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/collections/posts/entries',
        headers: editor(),
        payload: { slug, data: { title: `T ${Math.random()}`, author: 'ada' } },
      });
      if (slug === '')
        expect(res.statusCode).toBe(201); // empty means "from the template"
      else expect(res.statusCode, res.body).toBe(400);
      if (slug !== '') expect(head()).toBe(before);
      expect(t.repo.git('status', '--porcelain')).toBe('');
    },
  );
});
