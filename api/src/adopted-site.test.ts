// An adopted site through HTTP: ids that are file names (CamelCase, _index, Unicode, bundles)
// are addressed in URLs, page bundles list their files, data files are edited in place.
import { makeTempRepo } from '@mimsy/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './test/helpers.js';

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
        'data/authors/ada.toml': 'name = "Ada" # first\n',
      },
    });
    t = await makeApp({}, repo);
  });
  afterAll(() => t.close());
  const get = (url: string) => t.app.inject({ url, headers: t.as('editor') });

  it('addresses entries by their files’ own names', async () => {
    const list = (await get('/api/collections/docs/entries')).json<{ items: { slug: string }[] }>();
    expect(list.items.map((i) => i.slug).sort()).toEqual(['_index', 'café', 'functions/Where', 'trip']);
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
    expect((await get('/api/collections/docs/entries/trip')).json()).toMatchObject({
      path: 'content/docs/trip/index.md',
      resources: ['content/docs/trip/photo.jpg'],
    });
    const schemas = (await get('/api/schemas')).json<{ files: unknown[] }>();
    expect(schemas.files).toEqual([]);
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
});
