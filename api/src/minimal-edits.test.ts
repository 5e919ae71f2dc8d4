// Through HTTP: a save changes exactly what the editor changed in the file, in YAML, TOML and JSON
// front matter; PUT replaces (and needs the body), PATCH sends only what changes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempRepo } from '@mimsy/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './test/helpers.js';

interface EntryJson {
  slug: string;
  version: string;
  data: Record<string, unknown>;
  body?: string;
}

const YAML_POST = [
  '---',
  '# written by hand',
  "title: 'Hand written' # keep this comment",
  'date: 2026-01-05T10:00:00Z',
  'author: ada',
  'tags: [git, cms]',
  'summary: >-',
  '  A folded summary.',
  'series:',
  '  name: Basics',
  '  part: 1',
  '---',
  'First line\r',
  'Second line',
  '',
].join('\n');

const TOML_POST = [
  '+++',
  'title = "From Hugo" # hugo new wrote this',
  'date = 2024-01-29T10:00:00Z',
  "author = 'ada'",
  'tags = ["hugo", "toml"]',
  '+++',
  'TOML body.',
  '',
].join('\n');

const JSON_POST = [
  '{',
  '  "title": "JSON front matter",',
  '  "date": "2024-01-29T10:00:00Z",',
  '  "author": "ada"',
  '}',
  'JSON body.',
  '',
].join('\n');

describe('saving changes exactly what changed', () => {
  let t: TestApp;
  beforeEach(async () => {
    const repo = makeTempRepo({
      example: true,
      files: {
        'content/posts/hand-written.md': YAML_POST,
        'content/posts/from-hugo.md': TOML_POST,
        'content/posts/json-front-matter.md': JSON_POST,
        'content/posts/broken.md': '---\ntitle: [oops\n---\nBody\n',
      },
    });
    t = await makeApp({}, repo);
  });
  afterEach(() => t.close());

  const get = async (slug: string): Promise<EntryJson> =>
    (
      await t.app.inject({ url: `/api/collections/posts/entries/${slug}`, headers: t.as('editor') })
    ).json<EntryJson>();
  const write = (
    method: 'PUT' | 'PATCH',
    slug: string,
    version: string | null,
    payload: unknown,
    type = 'application/json',
  ) =>
    t.app.inject({
      method,
      url: `/api/collections/posts/entries/${slug}`,
      headers: {
        ...t.as('editor'),
        'content-type': type,
        ...(version ? { 'if-match': `"${version}"` } : {}),
      },
      payload: JSON.stringify(payload),
    });
  const head = (): string => t.repo.git('rev-parse', 'HEAD').trim();
  const file = (slug: string): string =>
    readFileSync(path.join(t.repo.dir, `content/posts/${slug}.md`), 'utf8');
  /** `+added -removed` lines of the last commit. */
  const lastDiff = (slug: string): { added: number; removed: number; patch: string } => {
    const [added, removed] = t.repo
      .git('diff', '--numstat', 'HEAD~1', 'HEAD', '--', `content/posts/${slug}.md`)
      .split('\t');
    return { added: Number(added), removed: Number(removed), patch: t.repo.git('diff', 'HEAD~1', 'HEAD') };
  };

  it('GET then PUT unchanged writes nothing and makes no commit, in every front matter language', async () => {
    for (const slug of ['hand-written', 'from-hugo', 'json-front-matter']) {
      const before = head();
      const bytes = file(slug);
      const entry = await get(slug);
      const res = await write('PUT', slug, entry.version, { data: entry.data, body: entry.body });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ entry: EntryJson }>().entry.version).toBe(entry.version);
      expect(head()).toBe(before);
      expect(file(slug)).toBe(bytes);
    }
  });

  it('GET then PATCH one field changes one line, keeping its comment, quoting and the body’s line endings', async () => {
    const entry = await get('hand-written');
    const res = await write(
      'PATCH',
      'hand-written',
      entry.version,
      { data: { title: 'Edited by hand' } },
      'application/merge-patch+json',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(file('hand-written')).toBe(YAML_POST.replace("'Hand written'", "'Edited by hand'"));
    expect(lastDiff('hand-written')).toMatchObject({ added: 1, removed: 1 });
    expect(t.repo.git('log', '-1', '--format=%an')).toMatch(/\S/);
  });

  it('PATCH edits nested values and lists in place, and null removes a key', async () => {
    const entry = await get('hand-written');
    const res = await write('PATCH', 'hand-written', entry.version, {
      data: { series: { part: 2 }, tags: ['git', 'cms', 'yaml'], summary: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(file('hand-written')).toBe(
      YAML_POST.replace('  part: 1', '  part: 2')
        .replace('tags: [git, cms]', 'tags: [git, cms, yaml]')
        .replace('summary: >-\n  A folded summary.\n', ''),
    );
  });

  it('TOML and JSON front matter stay TOML and JSON, changed value by value', async () => {
    const hugo = await get('from-hugo');
    expect(hugo.data).toMatchObject({
      title: 'From Hugo',
      date: '2024-01-29T10:00:00Z',
      tags: ['hugo', 'toml'],
    });
    expect(hugo.body).toBe('TOML body.\n');
    let res = await write('PATCH', 'from-hugo', hugo.version, {
      data: { title: 'Edited', tags: ['hugo', 'toml', 'cms'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(file('from-hugo')).toBe(
      TOML_POST.replace('"From Hugo"', '"Edited"').replace('["hugo", "toml"]', '["hugo", "toml", "cms"]'),
    );
    expect(lastDiff('from-hugo')).toMatchObject({ added: 2, removed: 2 });

    const fromJson = await get('json-front-matter');
    res = await write('PUT', 'json-front-matter', fromJson.version, {
      data: { ...fromJson.data, draft: true },
      body: fromJson.body,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(file('json-front-matter')).toBe(
      JSON_POST.replace('"author": "ada"', '"author": "ada",\n  "draft": true'),
    );
  });

  it('PUT without the body of a Markdown entry is refused, naming the field, and erases nothing', async () => {
    const entry = await get('hand-written');
    const res = await write('PUT', 'hand-written', entry.version, { data: entry.data });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'MIMSY_ERR_VALIDATION',
        message: expect.stringMatching(/"body" is required/),
        details: { issues: [{ path: '/body' }] },
      },
    });
    expect(file('hand-written')).toBe(YAML_POST);
  });

  it('PATCH follows the same If-Match rules as PUT', async () => {
    const entry = await get('hand-written');
    expect((await write('PATCH', 'hand-written', null, { data: { title: 'x' } })).statusCode).toBe(428);
    expect(
      (await write('PATCH', 'hand-written', entry.version, { data: { title: 'First' } })).statusCode,
    ).toBe(200);
    const stale = await write('PATCH', 'hand-written', entry.version, { data: { title: 'Second' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'MIMSY_ERR_CONFLICT' } });
    expect(
      (await write('PATCH', 'hand-written', entry.version, { data: { title: 'x' }, extra: 1 })).statusCode,
    ).toBe(400);
  });

  it('a file that cannot be read is never written over', async () => {
    const entry = await get('broken');
    const before = file('broken');
    const res = await write('PUT', 'broken', entry.version, {
      data: { title: 'Fixed', date: '2026-01-01T00:00:00Z', author: 'ada' },
      body: 'x',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: {
        code: 'MIMSY_ERR_UNWRITABLE',
        message: expect.stringMatching(/content\/posts\/broken\.md cannot be read \(line \d+/),
      },
    });
    expect(file('broken')).toBe(before);
  });

  it('PATCH a singleton changes one value', async () => {
    const site = await t.app.inject({ url: '/api/singletons/site', headers: t.as('editor') });
    const version = site.json<EntryJson>().version;
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/singletons/site',
      headers: {
        ...t.as('editor'),
        'content-type': 'application/merge-patch+json',
        'if-match': `"${version}"`,
      },
      payload: JSON.stringify({ data: { title: 'Renamed site' } }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [added, removed] = t.repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').split('\t');
    expect([added, removed]).toEqual(['1', '1']);
  });
});
