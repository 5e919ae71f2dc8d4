// An adopted site through HTTP: ids that are file names (CamelCase, _index, Unicode, bundles)
// are addressed in URLs, page bundles list their files, data files are edited in place.
import { makeTempRepo } from '@mimsy/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, multipart, type TestApp } from './test/helpers.js';

const page = (title: string): string => `---\ntitle: ${title}\n---\nText.\n`;

describe('a Hugo-style site over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    const repo = makeTempRepo({
      files: {
        'mimsy.config.json': JSON.stringify({ version: 1, media: { dir: 'static', publicPath: '/' } }),
        'schemas/docs.json': JSON.stringify({
          kind: 'collection',
          folder: 'content/docs',
          fields: [
            { name: 'title', type: 'string', required: true },
            { name: 'body', type: 'markdown' },
          ],
        }),
        'schemas/authors.json': JSON.stringify({
          kind: 'collection',
          folder: 'data/authors',
          format: 'toml',
          fields: [{ name: 'name', type: 'string', required: true }],
        }),
        'content/docs/_index.md': '+++\ntitle = "Docs"\n+++\n',
        'content/docs/functions/Where.md': page('where'),
        'content/docs/café.md': page('Café'),
        'content/docs/trip/index.md': page('Trip'),
        'content/docs/trip/photo.jpg': 'jpeg',
        'content/docs/single.md': page('Single'),
        'data/authors/ada.toml': 'name = "Ada" # first\n',
      },
    });
    t = await makeApp({}, repo);
  });
  afterAll(() => t.close());
  const get = (url: string) => t.app.inject({ url, headers: t.as('editor') });

  it('addresses entries by their files’ own names', async () => {
    const list = (await get('/api/collections/docs/entries')).json<{ items: { slug: string }[] }>();
    expect(list.items.map((i) => i.slug).sort()).toEqual([
      '_index',
      'café',
      'functions/Where',
      'single',
      'trip',
    ]);
    expect((await get('/api/collections/docs/entries/functions/Where')).json()).toMatchObject({
      path: 'content/docs/functions/Where.md',
      data: { title: 'where' },
    });
    expect((await get(`/api/collections/docs/entries/${encodeURIComponent('café')}`)).statusCode).toBe(200);
    expect((await get('/api/collections/docs/entries/_index')).json()).toMatchObject({
      data: { title: 'Docs' },
    });
    expect((await get('/api/collections/docs/entries/functions/where')).statusCode).toBe(404);
  });

  it('shows a page bundle as one entry with its files', async () => {
    const trip = await get('/api/collections/docs/entries/trip');
    expect(trip.json()).toMatchObject({
      path: 'content/docs/trip/index.md',
      resources: ['content/docs/trip/photo.jpg'],
    });
    // Its files change without its page changing: never a 304, never stored by a cache.
    expect(trip.headers['cache-control']).toBe('private, no-store');
    const again = await t.app.inject({
      url: '/api/collections/docs/entries/trip',
      headers: { ...t.as('editor'), 'if-none-match': String(trip.headers.etag) },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toHaveProperty('resources');
    // A single-file entry has no bundle: no `resources` at all (a bundle without files has []).
    expect((await get('/api/collections/docs/entries/single')).json()).not.toHaveProperty('resources');
    const schemas = (await get('/api/schemas')).json<{ files: unknown[] }>();
    expect(schemas.files).toEqual([]);
  });

  it('uploads files into a page bundle beside its page, serves them safely and deletes them', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(32),
    ]);
    const upload = (url: string, files: { name: string; content: Buffer }[]) => {
      const { payload, headers } = multipart(files);
      return t.app.inject({ method: 'POST', url, headers: { ...t.as('editor'), ...headers }, payload });
    };
    const res = await upload('/api/collections/docs/files/trip', [
      { name: 'Map Of Route.PNG', content: png },
      { name: 'photo.png', content: png },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const { items } = res.json<{ items: { path: string; name: string; version: string }[] }>();
    expect(items.map((i) => i.path)).toEqual([
      'content/docs/trip/map-of-route.png',
      'content/docs/trip/photo.png',
    ]);
    expect(t.repo.git('log', '-1', '--format=%an|%s').trim()).toBe('eddie|upload docs/trip/photo.png');
    expect((await get('/api/collections/docs/entries/trip')).json()).toMatchObject({
      resources: [
        'content/docs/trip/map-of-route.png',
        'content/docs/trip/photo.jpg',
        'content/docs/trip/photo.png',
      ],
    });
    // A second upload of the same name never overwrites.
    const again = await upload('/api/collections/docs/files/trip', [{ name: 'photo.png', content: png }]);
    expect(again.json<{ items: { name: string }[] }>().items[0]!.name).toBe('photo-2.png');

    const served = await t.app.inject({
      url: '/api/collections/docs/files/trip?name=map-of-route.png',
      headers: t.as('viewer'),
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['content-security-policy']).toMatch(/sandbox/);
    expect(served.rawPayload.equals(png)).toBe(true);
    expect(
      (await t.app.inject({ url: '/api/collections/docs/files/trip?name=map-of-route.png' })).statusCode,
    ).toBe(401);
    for (const name of ['../single.md', 'index.md', '.git/config', 'nope.png'])
      expect(
        (await get(`/api/collections/docs/files/trip?name=${encodeURIComponent(name)}`)).statusCode,
        name,
      ).toBeGreaterThanOrEqual(400);

    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/collections/docs/files/trip?name=map-of-route.png',
      headers: { ...t.as('editor'), 'if-match': `"${items[0]!.version}"` },
    });
    expect(del.statusCode, del.body).toBe(200);
    expect(
      (await get('/api/collections/docs/entries/trip')).json<{ resources: string[] }>().resources,
    ).not.toContain('content/docs/trip/map-of-route.png');
    expect(t.repo.git('ls-files', 'content/docs/trip').trim().split('\n')).toEqual([
      'content/docs/trip/index.md',
      'content/docs/trip/photo-2.png',
      'content/docs/trip/photo.jpg',
      'content/docs/trip/photo.png',
    ]);
  });

  it('refuses files for a single-file entry (no bundle) and pages by another name, committing nothing', async () => {
    const head = t.repo.git('rev-parse', 'HEAD');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const { payload, headers } = multipart([{ name: 'a.png', content: png }]);
    const single = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/files/single',
      headers: { ...t.as('editor'), ...headers },
      payload,
    });
    expect(single.statusCode).toBe(400);
    expect(single.json<{ error: { message: string } }>().error.message).toMatch(/not a page bundle/);
    const viewer = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/files/trip',
      headers: { ...t.as('viewer'), ...headers },
      payload,
    });
    expect(viewer.statusCode).toBe(403);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/files/nope',
      headers: { ...t.as('editor'), ...headers },
      payload,
    });
    expect(missing.statusCode).toBe(404);
    expect(t.repo.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('edits a TOML data file in place', async () => {
    const ada = (await get('/api/collections/authors/entries/ada')).json<{ version: string }>();
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/collections/authors/entries/ada',
      headers: {
        ...t.as('editor'),
        'content-type': 'application/merge-patch+json',
        'if-match': `"${ada.version}"`,
      },
      payload: JSON.stringify({ data: { name: 'Ada Lovelace' } }),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(t.repo.git('show', 'HEAD:data/authors/ada.toml')).toBe('name = "Ada Lovelace" # first\n');
  });

  it('lists a deleted page bundle in "Recently deleted" and restores it with its files', async () => {
    const trip = (await get('/api/collections/docs/entries/trip')).json<{
      version: string;
      resources: string[];
    }>();
    const files = [...trip.resources].sort();
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/collections/docs/entries/trip?force=true',
      headers: { ...t.as('editor'), 'if-match': trip.version },
    });
    expect(removed.statusCode).toBe(200);
    const deleted = (await get('/api/collections/docs/deleted')).json<{
      items: { slug: string; data: object }[];
    }>();
    expect(deleted.items).toMatchObject([{ slug: 'trip', data: { title: 'Trip' } }]);
    const viewer = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/restore',
      headers: { ...t.as('viewer'), 'content-type': 'application/json' },
      payload: { slug: 'trip' },
    });
    expect(viewer.statusCode).toBe(403);
    const restored = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/restore',
      headers: { ...t.as('editor'), 'content-type': 'application/json' },
      payload: { slug: 'trip', message: 'Deleted by mistake' },
    });
    expect(restored.statusCode, restored.body).toBe(201);
    expect(restored.headers.location).toBe('/api/collections/docs/entries/trip');
    expect(t.repo.git('log', '-1', '--format=%B').trim()).toBe('Deleted by mistake\n\nrestore docs/trip');
    expect(t.repo.git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(
      ['content/docs/trip/index.md', ...files].map((f) => `A\t${f}`).sort(),
    );
    expect((await get('/api/collections/docs/entries/trip')).json()).toMatchObject({ resources: files });
    expect((await get('/api/collections/docs/deleted')).json()).toEqual({ items: [] });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/collections/docs/restore',
      headers: { ...t.as('editor'), 'content-type': 'application/json' },
      payload: { slug: 'trip' },
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('a strict schema over HTTP', () => {
  it('refuses keys no field declares, naming them with a did-you-mean; a lenient one keeps them', async () => {
    const repo = makeTempRepo({
      files: {
        'mimsy.config.json': JSON.stringify({ version: 1 }),
        'schemas/notes.json': JSON.stringify({
          kind: 'collection',
          folder: 'content/notes',
          format: 'json',
          strict: true,
          fields: [{ name: 'title', type: 'string', required: true }],
        }),
        'schemas/loose.json': JSON.stringify({
          kind: 'collection',
          folder: 'content/loose',
          format: 'json',
          fields: [{ name: 'title', type: 'string', required: true }],
        }),
      },
    });
    const t = await makeApp({}, repo);
    try {
      const post = (schema: string, data: Record<string, unknown>) =>
        t.app.inject({
          method: 'POST',
          url: `/api/collections/${schema}/entries`,
          headers: { ...t.as('editor'), 'content-type': 'application/json' },
          payload: JSON.stringify({ slug: 'one', data }),
        });
      const refused = await post('notes', { title: 'A', tittle: 'typo' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        error: {
          code: 'MIMSY_ERR_VALIDATION',
          details: {
            issues: [{ path: '/tittle', message: 'is not a field of notes (did you mean title?)' }],
          },
        },
      });
      expect((await post('loose', { title: 'A', layout: 'post' })).statusCode).toBe(201);
      expect(JSON.parse(repo.git('show', 'HEAD:content/loose/one.json'))).toEqual({
        title: 'A',
        layout: 'post',
      });
    } finally {
      await t.close();
    }
  });
});
