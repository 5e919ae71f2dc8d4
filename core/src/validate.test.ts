import { describe, expect, it } from 'vitest';
import type { Issue } from './errors.js';
import type { Field, Schema } from './types.js';
import { FIELD_TYPES } from './types.js';
import {
  FIELD_SPECS,
  findDuplicates,
  TYPE_SETTINGS,
  unknownKeys,
  validateEntry,
  validateValue,
} from './validate.js';

function problems(
  field: Omit<Field, 'name'>,
  value: unknown,
  lookup?: (s: string, slug: string) => boolean,
): Issue[] {
  const issues: Issue[] = [];
  validateValue(field, value, '/x', issues, lookup ? { lookup } : {});
  return issues;
}

const ok = (field: Omit<Field, 'name'>, ...values: unknown[]) =>
  values.forEach((v) => expect(problems(field, v), JSON.stringify(v)).toEqual([]));
const bad = (field: Omit<Field, 'name'>, ...values: unknown[]) =>
  values.forEach((v) => expect(problems(field, v).length, JSON.stringify(v)).toBeGreaterThan(0));

describe('field types', () => {
  it('string / text / markdown', () => {
    ok({ type: 'string' }, 'a', undefined);
    bad({ type: 'string' }, 1, 'two\nlines', {}, []);
    ok({ type: 'text' }, 'two\nlines');
    ok({ type: 'markdown' }, '# hi');
    bad({ type: 'string', minLength: 2, maxLength: 3 }, 'a', 'abcd');
    ok({ type: 'string', maxLength: 3 }, 'ééé'); // characters, not bytes
    bad({ type: 'string', pattern: '^[A-Z]' }, 'lower');
  });
  it('number', () => {
    ok({ type: 'number' }, 0, -1.5, 1e10);
    bad({ type: 'number' }, '1', Number.NaN, Infinity, true);
    bad({ type: 'number', integer: true }, 1.5);
    bad({ type: 'number', min: 1, max: 3 }, 0, 4);
  });
  it('boolean', () => {
    ok({ type: 'boolean', required: true }, false, true);
    bad({ type: 'boolean' }, 'true', 0);
  });
  it('date and datetime', () => {
    ok({ type: 'date' }, '2026-02-28', '2024-02-29');
    bad({ type: 'date' }, '2026-02-30', '2026-13-01', '26-01-01', '2026-01-01T00:00:00Z', 20260101);
    ok(
      { type: 'datetime' },
      '2026-11-28T09:30:00Z',
      '2026-11-28T09:30:00.123+01:00',
      '2026-11-28T09:30Z',
      // Jekyll's own format, Hugo's zone-less local time (read as UTC), and a date alone.
      '2025-01-29 18:15:32 +0530',
      '2026-11-28T09:30:00',
      '2026-11-28',
    );
    bad(
      { type: 'datetime' },
      'yesterday',
      'Jul 08 2022',
      '2026-02-30T00:00:00Z',
      '2026-11-28T25:00:00Z',
      '2026-11-28T09:30:00+5',
    );
    bad({ type: 'date', min: '2026-01-01', max: '2026-12-31' }, '2025-12-31', '2027-01-01');
    bad({ type: 'datetime', min: '2026-01-01T00:00:00Z' }, '2025-12-31T23:00:00Z');
  });
  it('select', () => {
    const f = { type: 'select' as const, options: ['a', { value: 'b', label: 'B' }] };
    ok(f, 'a', 'b');
    bad(f, 'c', ['a']);
    ok({ ...f, multiple: true }, ['a', 'b'], []);
    bad({ ...f, multiple: true }, 'a', ['a', 'a'], ['c']);
  });
  it('list with nested validation and JSON pointers', () => {
    const f = { type: 'list' as const, of: { type: 'string' as const, maxLength: 3 }, max: 3 };
    expect(problems(f, ['ok', 'toolong', 'ok']).map((i) => i.path)).toEqual(['/x/1']);
    bad(f, 'not a list', ['a', 'b', 'c', 'd']);
  });
  it('object with nested fields; unknown nested keys are allowed', () => {
    const f = { type: 'object' as const, fields: [{ name: 'alt', type: 'string' as const, required: true }] };
    ok(f, { alt: 'x', unknown: 1 });
    expect(problems(f, {}).map((i) => i.path)).toEqual(['/x/alt']);
    bad(f, [], 'x');
    const deep = { type: 'list' as const, of: f };
    expect(problems(deep, [{ alt: 'a' }, { alt: 5 }]).map((i) => i.path)).toEqual(['/x/1/alt']);
  });
  it('relation checks that the target exists', () => {
    const exists = (schema: string, slug: string) => schema === 'authors' && slug === 'ada';
    ok({ type: 'relation', schema: 'authors' }, 'ada');
    expect(problems({ type: 'relation', schema: 'authors' }, 'bob', exists)[0]!.message).toMatch(
      /authors\/bob, which does not exist/,
    );
    bad({ type: 'relation', schema: 'authors' }, '../x', 5);
    expect(
      problems({ type: 'relation', schema: 'authors', multiple: true }, ['ada', 'bob'], exists).map(
        (i) => i.path,
      ),
    ).toEqual(['/x/1']);
  });
  it('image and file', () => {
    ok({ type: 'image' }, '/media/a.png', 'https://cdn.example.com/a.png', 'media/a.png');
    bad(
      { type: 'image' },
      'javascript:alert(1)',
      'data:image/png;base64,xx',
      '/media/../../etc/passwd',
      'a\\b',
    );
    bad({ type: 'image', accept: ['png'] }, '/media/a.gif');
  });
  it('url, email, color, slug', () => {
    ok({ type: 'url' }, 'https://example.com', '/about', 'mailto:a@b.c');
    bad({ type: 'url' }, 'javascript:alert(1)', 'example.com', '//evil.com');
    ok({ type: 'email' }, 'a@example.com');
    bad({ type: 'email' }, 'nope', 'a@b', 'a b@c.d');
    ok({ type: 'color' }, '#fff', '#A1B2C3', '#11223344');
    bad({ type: 'color' }, 'red', '#12', '123456');
    ok({ type: 'slug' }, 'hello-world');
    bad({ type: 'slug' }, 'Hello', 'a/b', '-a');
  });
  it('required treats empty values as missing', () => {
    for (const type of ['string', 'list', 'relation'] as const) {
      expect(
        problems({ type, required: true, of: { type: 'string' }, schema: 'x' }, undefined)[0]!.message,
      ).toBe('is required');
    }
    expect(problems({ type: 'string', required: true }, '')[0]!.message).toBe('is required');
    expect(problems({ type: 'list', required: true, of: { type: 'string' } }, [])[0]!.message).toBe(
      'is required',
    );
  });
});

describe('entries', () => {
  const schema: Schema = {
    name: 'posts',
    label: 'Posts',
    kind: 'collection',
    folder: 'content/posts',
    format: 'markdown',
    source: 'schemas/posts.json',
    bodyField: 'body',
    fields: [
      { name: 'title', type: 'string', required: true, unique: true },
      { name: 'body', type: 'markdown', required: true },
    ],
  };
  it('validates the body field from the body, and keeps unknown keys legal', () => {
    expect(validateEntry(schema, { title: 'A', layout: 'post' }, 'text')).toEqual([]);
    expect(validateEntry(schema, { title: 'A' }, '').map((i) => i.path)).toEqual(['/body']);
  });
  it('finds duplicate values of unique fields, ignoring case', () => {
    const dupes = findDuplicates(schema, [
      { slug: 'a', data: { title: 'Same' } },
      { slug: 'b', data: { title: 'same' } },
      { slug: 'c', data: { title: 'Other' } },
    ]);
    expect([...dupes.get('title')!.values()]).toEqual([['a', 'b']]);
  });
});

describe('image and file URLs', () => {
  const schema = {
    name: 'posts',
    fields: [{ name: 'cover', type: 'image' as const }],
  } as unknown as Parameters<typeof validateEntry>[0];
  const check = (cover: string, mediaHosts?: string[]): string[] =>
    validateEntry(schema, { cover }, undefined, undefined, mediaHosts ? { mediaHosts } : {}).map(
      (i) => i.message,
    );

  it('accepts media paths of this site, and URLs only on hosts the config allows', () => {
    expect(check('/media/2026/11/cover.png', [])).toEqual([]);
    expect(check('cover.png', [])).toEqual([]); // a page bundle's own resource
    expect(check('https://images.example.com/x.png', ['images.example.com'])).toEqual([]);
    expect(check('https://evil.example/x.png', ['images.example.com'])[0]).toMatch(
      /another site \(evil\.example\).*media\.allowedHosts/,
    );
    expect(check('HTTPS://Evil.Example/x.png', [])).toHaveLength(1);
  });

  it('never accepts a protocol-relative or UNC path, whatever the hosts', () => {
    expect(check('//images.example.com/x.png', ['images.example.com'])).toHaveLength(1);
    expect(check('\\\\images.example.com\\x.png')).toHaveLength(1);
  });
});

describe('keys no field declares', () => {
  const schema = (strict?: boolean): Schema => ({
    name: 'posts',
    label: 'Posts',
    kind: 'collection',
    folder: 'content/posts',
    format: 'markdown',
    source: 'schemas/posts.json',
    bodyField: 'body',
    fields: [
      { name: 'title', type: 'string' },
      { name: 'series', type: 'object', fields: [{ name: 'name', type: 'string' }] },
      { name: 'body', type: 'markdown' },
    ],
    ...(strict === undefined ? {} : { strict }),
  });
  const data = { title: 'T', tittle: 'typo', series: { nmae: 'x' }, layout: 'post' };

  it('are found at the top and inside objects, with a did-you-mean', () => {
    expect(unknownKeys(schema(), data)).toEqual([
      {
        path: '/tittle',
        message: 'is not a field of posts (did you mean title?)',
        fix: 'Rename it to title.',
      },
      {
        path: '/series/nmae',
        message: 'is not a field of posts.series (did you mean name?)',
        fix: 'Rename it to name.',
      },
      {
        path: '/layout',
        message: 'is not a field of posts',
        fix: 'Remove it, or add a field "layout" to the schema.',
      },
    ]);
  });

  it('are errors only in a strict schema', () => {
    expect(validateEntry(schema(), data, '')).toEqual([]);
    expect(validateEntry(schema(false), data, '')).toEqual([]);
    expect(validateEntry(schema(true), data, '').map((i) => i.path)).toEqual([
      '/tittle',
      '/series/nmae',
      '/layout',
    ]);
  });
});

describe('the field-type registry', () => {
  it('has one spec per type, under its own name, and derives which settings apply to which types', () => {
    for (const type of FIELD_TYPES) expect(FIELD_SPECS[type].type).toBe(type);
    expect(TYPE_SETTINGS.get('options')).toEqual(['select']);
    expect([...(TYPE_SETTINGS.get('accept') ?? [])].sort()).toEqual(['file', 'image']);
    expect(TYPE_SETTINGS.get('pattern')).toEqual(
      expect.arrayContaining(['string', 'slug', 'url', 'email', 'text']),
    );
  });
});

describe('an image with alt text', () => {
  const schema = {
    name: 'posts',
    kind: 'collection',
    format: 'json',
    fields: [
      { name: 'cover', type: 'image', label: 'Cover', alt: 'coverAlt' },
      { name: 'coverAlt', type: 'string' },
      {
        name: 'gallery',
        type: 'list',
        of: {
          type: 'object',
          fields: [
            { name: 'src', type: 'image', alt: 'alt' },
            { name: 'alt', type: 'string' },
          ],
        },
      },
    ],
  } as unknown as Schema;
  it('needs the description once there is an image, at any depth', () => {
    expect(validateEntry(schema, {})).toEqual([]);
    expect(validateEntry(schema, { cover: '/media/a.png', coverAlt: 'A cat on a mat' })).toEqual([]);
    expect(validateEntry(schema, { cover: '/media/a.png', coverAlt: '  ' })).toEqual([
      {
        path: '/coverAlt',
        message: 'describes Cover for people who cannot see it: write what the image shows',
      },
    ]);
    expect(
      validateEntry(schema, { gallery: [{ src: '/media/a.png', alt: 'A' }, { src: '/media/b.png' }] }).map(
        (i) => i.path,
      ),
    ).toEqual(['/gallery/1/alt']);
  });
});
