// Findings 6 and 7 (low): hostile request shapes. A deeply nested JSON body must be a 400, not a
// 500; an image or file field must not point at another site unless the config allows its host.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempRepo } from '@mimsy/core/testing';
import { makeApp, type TestApp } from '../src/test/helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('request shapes', () => {
  it.each([1_000, 100_000])('a JSON body nested %i levels deep is a 400 with a clear code', async (depth) => {
    const payload = '{"data":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: { ...t.as('editor'), 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('MIMSY_ERR_BAD_REQUEST');
    // The server is still well.
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });

  it('brackets inside strings do not count as nesting', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: t.as('editor'),
      payload: { data: { title: 'Brackets', author: 'ada' }, body: '['.repeat(1000) + '{'.repeat(1000) },
    });
    expect(res.statusCode).toBe(201);
  });

  it.each([
    '//evil.example/x.png',
    'https://evil.example/x.png',
    'javascript:alert(1)',
    'data:image/svg+xml,<svg/onload=alert(1)>',
    '\\\\evil.example\\x.png',
  ])('an image field refuses %s', async (cover) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: t.as('editor'),
      payload: { data: { title: `Cover ${cover}`, author: 'ada', cover }, body: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/cover/);
  });
});

describe('schema patterns (finding 5)', () => {
  it('run in linear time on the server: a catastrophic pattern against a long value answers at once', async () => {
    const repo = makeTempRepo({ example: true });
    const schema = JSON.parse(readFileSync(path.join(repo.dir, 'schemas/authors.json'), 'utf8')) as {
      fields: { name: string; pattern?: string }[];
    };
    schema.fields.find((f) => f.name === 'handle')!.pattern = '^(a+)+$';
    writeFileSync(path.join(repo.dir, 'schemas/authors.json'), JSON.stringify(schema, null, 2));
    repo.git('commit', '-qam', 'a pattern that backtracks');
    const app = await makeApp({}, repo);
    try {
      // 40 characters: V8's backtracking engine would need about 2^40 steps to say no.
      const res = await app.app.inject({
        method: 'POST',
        url: '/api/collections/authors/entries',
        headers: app.as('editor'),
        payload: { data: { name: 'Backtrack', handle: 'a'.repeat(40) + '!' } },
      });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toMatch(/must match the pattern/);
    } finally {
      await app.close();
    }
  });

  it('that RE2 cannot run in linear time (backreferences, look-arounds) are schema problems', async () => {
    const { checkSchema } = await import('@mimsy/core');
    const result = checkSchema(
      'x',
      'schemas/x.json',
      {
        kind: 'collection',
        folder: 'content/x',
        format: 'json',
        fields: [{ name: 'a', type: 'string', pattern: '(a)\\1' }],
      },
      { schemaNames: ['x'], kinds: new Map([['x', 'collection']]) },
    );
    expect(result.issues.map((i) => i.path)).toContain('/fields/0/pattern');
  });
});
