import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_BLOG, makeTempRepo, type TempRepo } from '../testing/fixtures.js';
import { checkConfig, loadProject } from '../project.js';
import { checkSchema } from './check.js';

const metaSchema = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../schema/mimsy-schema.schema.json'), 'utf8'),
) as object;
const configSchema = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../schema/mimsy-config.schema.json'), 'utf8'),
) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateMeta = ajv.compile(metaSchema);
const validateConfigMeta = ajv.compile(configSchema);

const ctx = {
  schemaNames: ['posts', 'authors', 'site'],
  kinds: new Map([
    ['posts', 'collection'],
    ['authors', 'collection'],
    ['site', 'singleton'],
  ]),
};
const base = {
  kind: 'collection',
  folder: 'content/posts',
  format: 'markdown',
  fields: [
    { name: 'title', type: 'string' },
    { name: 'body', type: 'markdown' },
  ],
};
const check = (raw: unknown) => checkSchema('posts', 'schemas/posts.json', raw, ctx);
const withField = (field: object, more: object = {}) => ({
  ...base,
  fields: [...base.fields, field],
  ...more,
});

describe('a collection’s list settings', () => {
  it('are kept when every name is a field (and sortable ones can be ordered)', () => {
    const { schema, issues } = check({
      ...base,
      list: { title: 'title', columns: ['title'], sortable: ['title'] },
    });
    expect(issues).toEqual([]);
    expect(schema!.list).toEqual({ title: 'title', columns: ['title'], sortable: ['title'] });
  });
});

describe('schema mistakes are explained with file, JSON path and a fix', () => {
  const cases: [string, unknown, string, RegExp][] = [
    [
      'unknown field type',
      withField({ name: 'x', type: 'strng' }),
      '/fields/2/type',
      /Did you mean "string"/,
    ],
    [
      'missing body field for markdown',
      { ...base, fields: [{ name: 'title', type: 'string' }] },
      '/fields',
      /Add \{ "name": "body", "type": "markdown" \}/,
    ],
    [
      'two markdown bodies',
      withField({ name: 'more', type: 'markdown' }),
      '/fields/2/type',
      /Make the others "text"/,
    ],
    [
      'relation to a missing schema',
      withField({ name: 'a', type: 'relation', schema: 'autors' }),
      '/fields/2/schema',
      /Did you mean "authors"/,
    ],
    [
      'relation to a singleton',
      withField({ name: 'a', type: 'relation', schema: 'site' }),
      '/fields/2/schema',
      /Point it to a collection/,
    ],
    [
      'duplicate field names',
      withField({ name: 'title', type: 'text' }),
      '/fields/2/name',
      /Rename one of them/,
    ],
    [
      'bad regex',
      withField({ name: 'x', type: 'string', pattern: '([a-z' }),
      '/fields/2/pattern',
      /Fix the expression/,
    ],
    [
      'default failing its own maxLength',
      withField({ name: 'x', type: 'string', maxLength: 3, default: 'toolong' }),
      '/fields/2/default',
      /Change the default/,
    ],
    [
      'default not among options',
      withField({ name: 'x', type: 'select', options: ['a', 'b'], default: 'c' }),
      '/fields/2/default',
      /Change the default/,
    ],
    [
      'default of the wrong type',
      withField({ name: 'x', type: 'number', default: 'ten' }),
      '/fields/2/default',
      /Change the default/,
    ],
    [
      'default below min',
      withField({ name: 'x', type: 'number', min: 5, default: 1 }),
      '/fields/2/default',
      /Change the default/,
    ],
    [
      'select without options',
      withField({ name: 'x', type: 'select' }),
      '/fields/2/options',
      /Add "options"/,
    ],
    [
      'duplicate option',
      withField({ name: 'x', type: 'select', options: ['a', 'a'] }),
      '/fields/2/options/1',
      /Remove the duplicate/,
    ],
    [
      'list without of',
      withField({ name: 'x', type: 'list' }),
      '/fields/2/of',
      /"of": \{ "type": "string" \}/,
    ],
    [
      'object without fields',
      withField({ name: 'x', type: 'object' }),
      '/fields/2/fields',
      /Add e\.g\. "fields"/,
    ],
    [
      'nested duplicate field',
      withField({
        name: 'x',
        type: 'object',
        fields: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'string' },
        ],
      }),
      '/fields/2/fields/1/name',
      /unique/,
    ],
    [
      'nested unknown type in list',
      withField({ name: 'x', type: 'list', of: { type: 'nmber' } }),
      '/fields/2/of/type',
      /Did you mean "number"/,
    ],
    [
      'option key on wrong type',
      withField({ name: 'x', type: 'string', options: ['a'] }),
      '/fields/2/options',
      /Remove it/,
    ],
    [
      'misspelled field setting',
      withField({ name: 'x', type: 'string', requird: true }),
      '/fields/2/requird',
      /Did you mean "required"/,
    ],
    ['misspelled schema setting', { ...base, foldr: 'x' }, '/foldr', /Did you mean "folder"/],
    ['missing kind', { ...base, kind: undefined }, '/kind', /"kind": "collection"/],
    ['collection without folder', { ...base, folder: undefined }, '/folder', /"folder": "content\/posts"/],
    ['folder escaping the repository', { ...base, folder: '../outside' }, '/folder', /Add "folder"/],
    [
      'singleton with wrong extension',
      { ...base, kind: 'singleton', folder: undefined, file: 'content/site.json' },
      '/file',
      /Rename it to content\/site\.md/,
    ],
    ['no fields', { ...base, fields: [] }, '/fields', /Add "fields"/],
    ['field without name', withField({ type: 'string' }), '/fields/2/name', /Add "name"/],
    ['bad field name', withField({ name: 'my field', type: 'string' }), '/fields/2/name', /letters, digits/],
    [
      'minLength above maxLength',
      withField({ name: 'x', type: 'string', minLength: 5, maxLength: 2 }),
      '/fields/2/minLength',
      /Swap them/,
    ],
    ['min above max', withField({ name: 'x', type: 'number', min: 5, max: 2 }), '/fields/2/min', /Swap them/],
    [
      'slug template with unknown field',
      { ...base, slug: '{{titel}}' },
      '/slug',
      /Did you mean \{\{title\}\}/,
    ],
    ['sort by unknown field', { ...base, sort: '-dat' }, '/sort', /Use a field name/],
    [
      'list column that is no field',
      { ...base, list: { columns: ['titel'] } },
      '/list/columns/0',
      /Did you mean "title"/,
    ],
    [
      'list title that is no field',
      { ...base, list: { title: 'nme' } },
      '/list/title',
      /Use one of|Did you mean/,
    ],
    [
      'image alt naming no field',
      withField({ name: 'cover', type: 'image', alt: 'coverAlt' }),
      '/fields/2/alt',
      /"alt": "coverAlt"/,
    ],
    ['unknown list setting', { ...base, list: { colums: ['title'] } }, '/list/colums', /"columns"/],
    [
      'list sortable by a group',
      withField(
        { name: 'x', type: 'object', fields: [{ name: 'y', type: 'string' }] },
        { list: { sortable: ['x'] } },
      ),
      '/list/sortable/0',
      /Use fields of type string/,
    ],
    [
      'unique on a list',
      withField({ name: 'x', type: 'list', of: { type: 'string' }, unique: true }),
      '/fields/2/unique',
      /Remove "unique"/,
    ],
    ['bad date min', withField({ name: 'x', type: 'date', min: 'yesterday' }), '/fields/2/min', /2026-01-01/],
    ['unknown format', { ...base, format: 'xml' }, '/format', /"markdown".*"json", "yaml" or "toml"/],
    ['not an object', [], '', /Start from/],
  ];
  it.each(cases)('%s', (_name, raw, at, fix) => {
    const { schema, issues } = check(raw);
    expect(schema).toBeNull();
    const issue = issues.find((i) => i.path === at);
    expect(issue, `issues: ${JSON.stringify(issues, null, 2)}`).toBeDefined();
    expect(issue!.file).toBe('schemas/posts.json');
    expect(issue!.message.length).toBeGreaterThan(5);
    expect(issue!.fix).toMatch(fix);
  });

  it('the shipped meta-schema also rejects the structural mistakes (for editor completion)', () => {
    for (const raw of [
      withField({ name: 'x', type: 'strng' }),
      { ...base, foldr: 'x' },
      withField({ name: 'x', type: 'select' }),
      { ...base, kind: undefined },
    ]) {
      expect(validateMeta(raw)).toBe(false);
    }
  });

  it('accepts a schema using every field type, and the meta-schema agrees', () => {
    const raw = JSON.parse(readFileSync(path.join(EXAMPLE_BLOG, 'schemas/posts.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const { schema, issues } = check(raw);
    expect(issues).toEqual([]);
    expect(schema?.bodyField).toBe('body');
    expect(validateMeta(raw), JSON.stringify(validateMeta.errors)).toBe(true);
  });
});

describe('config', () => {
  it('fills in defaults', () => {
    const { config, issues } = checkConfig({ version: 1 });
    expect(issues).toEqual([]);
    expect(config.media.dir).toBe('public/media');
    expect(config.git.push).toBe('auto');
  });
  it('explains mistakes', () => {
    const { issues } = checkConfig({ version: 2, git: { push: 'always' }, medai: {} });
    expect(issues.map((i) => i.path).sort()).toEqual(['/git/push', '/medai', '/version']);
    expect(issues.find((i) => i.path === '/medai')!.fix).toMatch(/Did you mean "media"/);
  });
  it('examples/blog config passes the shipped config schema', () => {
    expect(
      validateConfigMeta(JSON.parse(readFileSync(path.join(EXAMPLE_BLOG, 'mimsy.config.json'), 'utf8'))),
    ).toBe(true);
  });
});

describe('loadProject', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.cleanup());

  it('loads examples/blog without a single issue', async () => {
    const project = await loadProject(EXAMPLE_BLOG);
    expect(project.issues).toEqual([]);
    expect([...project.schemas.keys()].sort()).toEqual(['authors', 'posts', 'site']);
  });

  it('reports invalid JSON with its line and leaves the other schemas usable', async () => {
    repo = makeTempRepo({
      files: {
        'mimsy.config.json': '{"version": 1}',
        'schemas/a.json': '{\n  "kind": "collection",\n  "folder": "a"\n  "fields": []\n}',
        'schemas/b.json': JSON.stringify({
          kind: 'collection',
          folder: 'b',
          format: 'json',
          fields: [{ name: 't', type: 'string' }],
        }),
      },
    });
    const project = await loadProject(repo.dir);
    expect([...project.schemas.keys()]).toEqual(['b']);
    expect(project.issues[0]!.file).toBe('schemas/a.json');
    // The comma is missing after "a" on line 3 (JSON.parse notices it at line 4).
    expect(project.issues[0]!).toMatchObject({ line: 3, column: 16 });
    expect(project.issues[0]!.message).toMatch(/line 3, column 16/);
  });

  it('reports two schemas claiming the same folder', async () => {
    const schema = JSON.stringify({
      kind: 'collection',
      folder: 'content/x',
      format: 'json',
      fields: [{ name: 't', type: 'string' }],
    });
    repo = makeTempRepo({
      files: { 'mimsy.config.json': '{"version": 1}', 'schemas/a.json': schema, 'schemas/b.json': schema },
    });
    const project = await loadProject(repo.dir);
    expect(project.issues.some((i) => /overlaps/.test(i.message))).toBe(true);
  });

  it('refuses a folder without mimsy.config.json with a clear code', async () => {
    repo = makeTempRepo();
    await expect(loadProject(repo.dir)).rejects.toMatchObject({ code: 'MIMSY_ERR_NOT_A_REPOSITORY' });
  });
});
